"""The core's own features, registered as plugins through the same hooks as any other."""

from trivsel.default_plugins import core

DEFAULT_PLUGINS = {"trivsel.core": core}
