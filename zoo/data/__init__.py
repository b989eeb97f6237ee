"""Data loaders for the sentiment and forecasting model families.

Every data file is opened through :mod:`zoo.data.reading` (regular files only, a size and
a line-length limit, UTF-8 decoded line by line with errors naming the line).

Importing this package needs only NumPy (Keras is imported by :func:`load_imdb` when it is
called; ``vega_datasets`` by :func:`load_embedded_series`).
"""

from zoo.data.embedded import list_embedded_series, load_embedded_series
from zoo.data.errors import DataError, MissingDataError
from zoo.data.imdb import load_imdb
from zoo.data.paths import DATA_DIR_ENV, resolve_data_path
from zoo.data.reading import check_data_file, iter_lines, read_lines
from zoo.data.sentiment import TextDataset, load_sst2, load_text_table
from zoo.data.sentiment_corpus import generate_sentiment_corpus
from zoo.data.timeseries import TimeSeries, load_ett, load_series_csv

__all__ = [
    "DATA_DIR_ENV",
    "DataError",
    "MissingDataError",
    "TextDataset",
    "TimeSeries",
    "check_data_file",
    "generate_sentiment_corpus",
    "iter_lines",
    "list_embedded_series",
    "load_embedded_series",
    "load_ett",
    "load_imdb",
    "load_series_csv",
    "load_sst2",
    "load_text_table",
    "read_lines",
    "resolve_data_path",
]
