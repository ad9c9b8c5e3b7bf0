"""Click's own texts that civicvol's help and refusals show, declared for the catalog (click
looks them up at run time through :func:`civicvol.cli.localise.speak_click`)."""

from civicvol.i18n import N_, ngettext

CLICK_TEXTS = (
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Positional arguments"),
    N_("Show this message and exit."), N_("Show the version and exit."),
    N_("%(prog)s, version %(version)s"), N_("default: {default}"), N_("required"),
    N_("env var: {var}"), N_("(dynamic)"), N_("Aborted!"), N_("deprecated"),
    N_("Missing command."), N_("Missing argument"), N_("Missing option"),
    N_("Missing parameter"), N_("Missing {param_type}"), N_("Missing parameter: {param_name}"),
    N_("No such option {name!r}."), N_("No such command {name!r}."),
    N_("Invalid value: {message}"), N_("Invalid value for {param_hint}: {message}"),
    N_("Error: {message}"), N_("Try '{command} {option}' for help."),
    N_("{value!r} is not a valid {number_type}."), N_("{value} is not in the range {range}."),
    N_("{value!r} is not one of {choices}."), N_("{value!r} is not {choice}."),
    N_("Option {name!r} does not take a value."), N_("Option {name!r} requires an argument."),
    N_("Got unexpected extra argument ({args})"), N_("integer"), N_("float"),
    N_("{name} {filename!r} does not exist."), N_("file"), N_("directory"), N_("path"),
    N_("Choose from:\n\t{choices}"), N_("Did you mean {possibility}?"),
    N_("Value must be an iterable."), N_("{value!r} is not a valid boolean."),
    N_("Could not open file {filename!r}: {message}"), N_("unknown error"),
)


def plural_texts(n: int) -> tuple[str, ...]:
    """Click's plural texts (never called: Babel reads the calls)."""
    return (ngettext("Got unexpected extra argument ({args})",
                     "Got unexpected extra arguments ({args})", n),
            ngettext("Option {name!r} requires an argument.",
                     "Option {name!r} requires {nargs} arguments.", n),
            ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", n),
            ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", n))
