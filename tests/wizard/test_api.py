from fastapi.testclient import TestClient

from app.core.paths import ROADMAP_DIR
from app.wizard.loader import load_roadmap


def test_get_roadmap_returns_the_definition_in_force(client: TestClient) -> None:
    response = client.get("/api/v1/roadmap")
    assert response.status_code == 200
    body = response.json()
    roadmap = load_roadmap(ROADMAP_DIR)
    assert body["version"] == roadmap.version
    assert [s["key"] for s in body["stages"]] == [s.key for s in roadmap.stages]
    first = body["stages"][1]["statements"][0]
    assert {"key", "text", "driver", "weight", "evidence", "levels"} <= first.keys()
    assert body["readiness"]["scale"].keys() == {"0", "1", "2", "3", "4"}
