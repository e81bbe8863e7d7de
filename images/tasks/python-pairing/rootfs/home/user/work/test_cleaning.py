"""Run with `pytest` in ~/work. `task check` runs the same rules on data you have not seen."""
import pandas as pd
import pytest

from cleaning import clean, load


@pytest.fixture(scope="module")
def tidy():
    return clean(load())


def test_one_row_per_order(tidy):
    assert tidy["order_id"].is_unique


def test_amounts_are_numbers(tidy):
    assert pd.api.types.is_float_dtype(tidy["amount"])
    assert tidy["amount"].notna().all()


def test_dates_are_dates(tidy):
    assert pd.api.types.is_datetime64_any_dtype(tidy["order_date"])


def test_emails_are_tidy(tidy):
    assert (tidy["email"] == tidy["email"].str.strip().str.lower()).all()


def test_countries_are_codes(tidy):
    assert set(tidy["country"]) <= {"US", "GB", "DE"}


def test_sorted_with_a_fresh_index(tidy):
    assert list(tidy["order_id"]) == sorted(tidy["order_id"])
    assert list(tidy.index) == list(range(len(tidy)))
