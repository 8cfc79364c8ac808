"""commsim's Hydra configs; the defaults come from the code (see ``configs.schema``)."""

from configs.schema import register

register()
