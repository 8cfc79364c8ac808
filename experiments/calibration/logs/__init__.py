"""Reading interaction logs in the formats people have: one reader per format, one result.

:func:`read_events` detects the format (or takes ``format=``) and returns
:class:`Events`: who acted, towards whom, when, plus what was left out and inferred.
"""

from experiments.calibration.logs.dispatch import DETECTORS, FORMATS, read_events
from experiments.calibration.logs.events import Events, events_from_columns, parse_times

__all__ = ["DETECTORS", "FORMATS", "Events", "events_from_columns", "parse_times", "read_events"]
