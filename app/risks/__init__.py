"""The risk register: each partnership's risks, scored and reviewed from the first day."""
