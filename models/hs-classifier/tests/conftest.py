import os
import sys

import pytest

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)
DATA = os.path.abspath(os.environ.get("DATA", os.path.join(HERE, "..", "..", "..", "shared", "data")))


@pytest.fixture(scope="session")
def data_dir():
    if not os.path.isdir(os.path.join(DATA, "hs-nomenclature-2022")):
        pytest.skip(f"shared data not found at {DATA} (set DATA=...)")
    return DATA


@pytest.fixture(scope="session")
def labels(data_dir):
    from hsclf.data import Labels
    return Labels(data_dir)


@pytest.fixture(scope="session")
def overlap(data_dir, labels):
    from hsclf.data import EvalOverlap
    return EvalOverlap(data_dir, labels)
