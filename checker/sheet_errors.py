"""The problem with a whole file (it cannot be screened): one exception, worded in the reader's language. A problem
with one row never raises: it is that row's error."""

from .strings import s


class BatchError(Exception):
    """The file as a whole cannot be read (no header, unknown unit kind); row problems never raise."""

    def __init__(self, code, **values):
        self.code, self.values = code, values
        super().__init__(self.message("en"))

    def message(self, lang):
        """The problem in `lang` (a value may be a function of the language)."""
        return s("batch." + self.code, lang, **worded(self.values, lang))


def worded(values, lang):
    """Message values with those that depend on the language (functions of it) worded in `lang`."""
    return {k: v(lang) if callable(v) else v for k, v in values.items()}
