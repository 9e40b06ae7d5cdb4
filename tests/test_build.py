"""build-data is reproducible: rebuilding from the raw files gives the committed extract."""
import filecmp

from regional.build import build_data
from regional.settings import EXTRACT_DIR


def test_rebuild_matches_committed_extract(shared_data, tmp_path):
    counts = build_data(shared_data, tmp_path)
    assert counts["observations_dfe_cla.csv"] > 5000 and counts["observations_lait.csv"] > 20000
    for name in counts:
        assert filecmp.cmp(tmp_path / name, EXTRACT_DIR / name, shallow=False), f"{name} differs: run make build-data"
    readme = (tmp_path / "README.md").read_text()
    assert "Open Government Licence" in readme and "dfe-cla-number-and-rate" in readme
