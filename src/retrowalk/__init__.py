"""retrowalk: backward walking made safe, measurable and progressive."""

__version__ = "0.1.0"
