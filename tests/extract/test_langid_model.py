"""The language model's decompressed copy in the user's cache."""

from __future__ import annotations

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from pipeline.extract import langid_model

TEXTS = [
    "The council approved the new budget for the harbour district on Tuesday evening.",
    "Der Gemeinderat hat am Dienstagabend den neuen Haushalt für den Hafen beschlossen.",
    "Le conseil municipal a approuvé mardi soir le nouveau budget du quartier du port.",
    "Gradsko vijeće u utorak je navečer odobrilo novi proračun za lučku četvrt.",
    "市议会周二晚上批准了港区的新预算。",
]


@pytest.fixture(scope="module")
def packaged() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "newsflow"


def _cached_folders(cache) -> list[str]:
    return sorted(p.name for p in cache.iterdir())


def test_the_first_load_writes_the_cache_and_the_next_maps_it(cache, packaged):
    first = langid_model.load_identifier()
    (folder,) = cache.iterdir()
    assert folder.name.startswith(langid_model.CACHE_PREFIX)
    second = langid_model.load_identifier()
    assert isinstance(second.tk_nextmove, memoryview)  # mapped, not decompressed
    for text in TEXTS:
        assert first.rank(text) == second.rank(text) == packaged.rank(text)


def test_a_damaged_cache_is_decompressed_again(cache, packaged):
    langid_model.load_identifier()
    (folder,) = cache.iterdir()
    ptc = folder / "ptc.npy"
    ptc.write_bytes(ptc.read_bytes()[:1000])
    identifier = langid_model.load_identifier()
    assert [identifier.rank(t) for t in TEXTS] == [packaged.rank(t) for t in TEXTS]


def test_a_cache_that_cannot_be_written_is_skipped(tmp_path, monkeypatch, packaged):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    identifier = langid_model.load_identifier()
    assert [identifier.rank(t) for t in TEXTS] == [packaged.rank(t) for t in TEXTS]


def test_the_cache_of_another_model_file_is_removed(cache):
    stale = cache / f"{langid_model.CACHE_PREFIX}0000000000000000"
    stale.mkdir(parents=True)
    (stale / "ptc.npy").write_bytes(b"old")
    langid_model.load_identifier()
    assert len(_cached_folders(cache)) == 1
    assert not stale.exists()
