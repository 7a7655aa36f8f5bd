r"""Regular expressions for the API's schemas, written to mean the same to every reader.

A pattern is checked twice: by pydantic on the server, with Rust's regex engine, and by clients
and fuzzers against the published JSON Schema, with ECMAScript's. The two disagree on shorthand
classes: Rust's `\d` is any Unicode digit where ECMAScript's is 0-9, and Rust's `\s` includes
U+0085 where ECMAScript's includes U+FEFF instead. So digits are spelt `[0-9]` and every `\s`
carries both extras, and a client is never refused a value the schema allows (nor the reverse).
"""

SPACE = r"\s\x85\uFEFF"
VISIBLE = rf"[^{SPACE}\x00-\x1F\x7F-\x9F]"
"""Somewhere, a character that is neither space nor a control character: refuses blank names."""

EMAIL = rf"^[^@{SPACE}]+@[^@{SPACE}]+$"
"""Deliberately loose: an address is proved by the link sent to it, not by its syntax."""

POUNDS = r"^[0-9]{1,11}(\.[0-9]{1,2})?$"
"""An amount of money in pounds, to the penny, as a decimal string."""

QUANTITY = r"^[0-9]{1,15}(\.[0-9]{1,2})?$"
"""A population or other driver: large, with at most two decimals."""

PERCENT = r"^[0-9]{1,3}(\.[0-9]{1,4})?$"
"""A percentage, to four decimals."""

PERCENT_OF_WHOLE = r"^(100(\.0{1,4})?|[0-9]{1,2}(\.[0-9]{1,4})?)$"
"""A percentage from 0 to 100, to four decimals: a share of the whole."""

MEANINGS = {
    VISIBLE: "Enter some text: this cannot be blank",
    EMAIL: "Enter an email address, like name@example.org",
    POUNDS: 'Enter an amount in pounds and pence, as a string like "1250.50"',
    QUANTITY: 'Enter a number with at most two decimals, as a string like "150000"',
    PERCENT: 'Enter a percentage with at most four decimals, as a string like "2.5"',
    PERCENT_OF_WHOLE: 'Enter a percentage from 0 to 100, as a string like "40"',
}
"""What each pattern asks for, in words: the API says this rather than the regex."""
