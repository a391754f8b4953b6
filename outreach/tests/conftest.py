import pytest


@pytest.fixture
def write_file(tmp_path):
    def _write(text, name="file.csv"):
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8"))
        return path

    return _write
