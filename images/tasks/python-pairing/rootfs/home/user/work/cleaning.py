"""Cleaning the shop's orders export: the exercise of this interview (see `task`)."""
import pandas as pd


def load(path: str = "orders.csv") -> pd.DataFrame:
    """The export as it comes: every column as text, empty cells as NaN."""
    return pd.read_csv(path, dtype=str)


def clean(df: pd.DataFrame) -> pd.DataFrame:
    """Return a tidy copy of `df` (as `load()` gives it):

    1. one row per order_id (the first one seen);
    2. amount as a float; rows whose amount is missing or not a number dropped;
    3. order_date as a pandas datetime;
    4. email trimmed and in lower case;
    5. country as a two-letter code: US, GB or DE;
    6. sorted by order_id, with a fresh index, columns in the original order.
    """
    raise NotImplementedError("write clean() here")


if __name__ == "__main__":
    print(clean(load()).head(20))
