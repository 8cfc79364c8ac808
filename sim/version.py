"""The version of the simulated results: what a stored run is trusted by on a resume.

:data:`MODEL_VERSION` is declared here once. Bump it (by one) in every change after which
the same config and seed give different simulated results: a behaviour rule, a default
parameter, the order of the random draws, a KPI's definition. Changes that leave every
result as it was (speed, messages, reports, new options off by default) keep it.

Every stored run records the model version that made it (``runs/<key>.json`` of a
comparison, ``seed.json`` of a ``commsim run`` folder); a rerun in the same folder redoes
the runs of another model version, unless ``run.reuse_other_versions=on``
(``experiments.runs.provenance``, docs/experiments.md, "Provenance").
"""

from __future__ import annotations

#: the version of the simulated results (an integer, bumped when results change)
MODEL_VERSION = 1
