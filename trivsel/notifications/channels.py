"""The channels a message can go by: e-mail (built in) and those plugins contribute
(`trivsel_notification_channels`), and what a user may choose among them."""

import logging

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from trivsel.core.plugins import PluginLoadError, get_plugins
from trivsel.notifications import mail

EMAIL = mail.EMAIL
OFF = "off"
RESERVED = (EMAIL, OFF)
OFF_LABEL = _l("Fra")
log = logging.getLogger(__name__)


def plugin_channels(plugins=None):
    """{key: (plugin name, NotificationChannel)} of the plugins' channels. A key already
    taken (by e-mail, "off" or an earlier plugin) is skipped with a warning; start-up refuses
    it (see check_unique), so this only happens to a plugin registered while the app runs."""
    found = {}
    for plugin, channel in (plugins or get_plugins()).collect_by_plugin(
        "trivsel_notification_channels"
    ):
        if channel.key in RESERVED or channel.key in found:
            log.warning(
                "plugin %s: notification channel %r ignored (key taken)", plugin, channel.key
            )
            continue
        found[channel.key] = (plugin, channel)
    return found


def all_channels():
    """{key: NotificationChannel}: e-mail first, then the plugins' channels."""
    channels = {EMAIL: mail.channel()}
    channels.update({key: channel for key, (_, channel) in plugin_channels().items()})
    return channels


def deliverable():
    """The channels the sender may use now: the plugins', and e-mail when an SMTP URL is
    set (without one, e-mails wait in the outbox)."""
    channels = all_channels()
    if not mail.configured():
        del channels[EMAIL]
    return channels


def labels():
    """{key: label} of every channel, and "off", for pages."""
    found = {key: channel.label for key, channel in all_channels().items()}
    found[OFF] = OFF_LABEL
    return found


def choices():
    """The channels a user may choose for a kind of message, as WTForms choices (`.value` the
    key, `.label`), then "Fra"."""
    found = [SelectChoice(key, channel.label) for key, channel in all_channels().items()]
    return [*found, SelectChoice(OFF, OFF_LABEL)]


def check_unique(plugins):
    """Start-up: stop when two plugins contribute one channel key, or one takes "email" or
    "off", naming the plugins."""
    owner = dict.fromkeys(RESERVED, "trivsel.core")
    for plugin, channel in plugins.collect_by_plugin("trivsel_notification_channels"):
        if channel.key in owner:
            first, second = sorted((owner[channel.key], plugin))
            raise PluginLoadError(
                f"Plugins {first!r} and {second!r} both contribute the notification channel "
                f"{channel.key!r}; keys must be unique. Disable one (TRIVSEL_DISABLED_PLUGINS)."
            )
        owner[channel.key] = plugin
