"""B-F2 to B-F5 and A9: the names of batch export files."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from exportkit.core.filenames import base_name, extension, is_static, part_names, template_problem
from exportkit.core.model import Segment

from .factories import make_destination

RUN = datetime(2020, 4, 8, 6, 18, 4, tzinfo=UTC)
SEGMENT = Segment(id="X", name='Watched "Back to the Future"')


def test_default_name_case_25():
    """B-F3/A9: Amazon S3, segment X, 2020-04-08 06:18:04."""
    dest = make_destination()
    name = base_name(dest, SEGMENT, RUN) + extension(dest)
    assert name == "Amazon_S3_segmentX_20200408061804.csv"


def test_default_name_uses_the_id_without_a_name():
    assert base_name(make_destination(name=None), SEGMENT, RUN) == "s3_segmentX_20200408061804"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        pytest.param("%DESTINATION%_%SEGMENT_ID%_%DATETIME%", "Amazon_S3_X_20200408_061804", id="datetime"),
        pytest.param(
            "%DESTINATION%_%SEGMENT_ID%_%TIMESTAMP%", "Amazon_S3_X_1586326684", id="timestamp-10-digits"
        ),
        pytest.param(
            "%DESTINATION%_%SEGMENT_ID%_%SEGMENT_NAME%",
            "Amazon_S3_X_Watched_Back_to_the_Future",
            id="segment-name-made-safe",
        ),
        pytest.param(
            "%DESTINATION_INSTANCE_ID%-%DESTINATION_INSTANCE_NAME%-%DESTINATION%-%SEGMENT_ID%",
            "s3-Amazon_S3-Amazon_S3-X",
            id="instance-macros",
        ),
        pytest.param(
            "export_%DESTINATION%_segment%SEGMENT_ID%", "export_Amazon_S3_segmentX", id="literal-text-kept"
        ),
    ],
)
def test_macros(template, expected):
    """B-F4: macros expand; A9: spaces and other unsafe characters become _."""
    assert base_name(make_destination(file_name=template), SEGMENT, RUN) == expected


@pytest.mark.parametrize(
    ("fmt", "compression", "ext"),
    [
        pytest.param("csv", "none", ".csv", id="csv"),
        pytest.param("json", "none", ".json", id="json"),
        pytest.param("parquet", "none", ".parquet", id="parquet"),
        pytest.param("csv", "gzip", ".csv.gz", id="csv-gzip"),
        pytest.param("parquet", "gzip", ".parquet", id="parquet-gzip"),
    ],
)
def test_extension(fmt, compression, ext):
    """B-F1: the format's extension, plus .gz with gzip."""
    assert extension(make_destination(format=fmt, compression=compression)) == ext


def test_parts_case_23():
    """B-F2: a file split in three parts is name.csv, name_2.csv, name_3.csv."""
    assert part_names("name", ".csv", 3) == ["name.csv", "name_2.csv", "name_3.csv"]
    assert part_names("name", ".csv", 0) == ["name.csv"]


@pytest.mark.parametrize(
    ("file_name", "static"),
    [
        pytest.param(None, False, id="default-has-a-timestamp"),
        pytest.param("%DESTINATION%_%SEGMENT_ID%", True, id="no-time-macro"),
        pytest.param("%DESTINATION%_%SEGMENT_ID%_%DATETIME%", False, id="datetime"),
        pytest.param("%DESTINATION%_%SEGMENT_ID%_%TIMESTAMP%", False, id="timestamp"),
    ],
)
def test_static_names_case_24(file_name, static):
    """B-F5: a name without a date or time macro is static."""
    assert is_static(make_destination(file_name=file_name)) is static


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        pytest.param("%DESTINATION%_%SEGMENT_ID%", None, id="fine"),
        pytest.param("%SEGMENT_ID%_x", "must contain %DESTINATION%", id="no-destination"),
        pytest.param("%DESTINATION%_x", "must contain %SEGMENT_ID%", id="no-segment-id"),
        pytest.param("%DESTINATION%_%SEGMENT_ID%_%SANDBOX%", "unknown macro %SANDBOX%", id="unknown-macro"),
        pytest.param("%DESTINATION%_%SEGMENT_ID%_100%", "a lone %", id="lone-percent"),
        pytest.param(
            "%DESTINATION%_%SEGMENT_ID%_%DATETIME%_%TIMESTAMP%",
            "cannot be combined",
            id="datetime-and-timestamp",
        ),
        pytest.param("out/%DESTINATION%_%SEGMENT_ID%", "cannot contain /", id="slash"),
        pytest.param("%DESTINATION%_%SEGMENT_ID%" + "x" * 250, "at most 255", id="too-long"),
    ],
)
def test_template_problem(template, problem):
    """B-F4: templates are checked at load time."""
    found = template_problem(template)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found
