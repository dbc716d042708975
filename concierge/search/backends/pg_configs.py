"""PostgreSQL's own text search configurations, by language code.

PostgreSQL stems with these; the languages Snowball covers but PostgreSQL has no
configuration for are stemmed in Python and handed to the `simple` configuration.
"""

from __future__ import annotations

PG_CONFIGS: dict[str, str] = {
    "ar": "arabic",
    "hy": "armenian",
    "eu": "basque",
    "ca": "catalan",
    "da": "danish",
    "nl": "dutch",
    "en": "english",
    "fi": "finnish",
    "fr": "french",
    "de": "german",
    "el": "greek",
    "hi": "hindi",
    "hu": "hungarian",
    "id": "indonesian",
    "ga": "irish",
    "it": "italian",
    "lt": "lithuanian",
    "ne": "nepali",
    "no": "norwegian",
    "nb": "norwegian",
    "nn": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "es": "spanish",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}

CONFIG_FUNCTION = "concierge_search_config"


def config_function_sql(available: set[str]) -> str:
    """An IMMUTABLE language -> regconfig function, so a generated column may call it."""
    cases = "\n".join(
        f"    WHEN '{code}' THEN '{name}'::regconfig"
        for code, name in sorted(PG_CONFIGS.items())
        if name in available
    )
    return (
        f"CREATE OR REPLACE FUNCTION {CONFIG_FUNCTION}(language text) RETURNS regconfig\n"
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$\n"
        "  SELECT CASE split_part(lower(language), '-', 1)\n"
        f"{cases}\n"
        "    ELSE 'simple'::regconfig END\n$$;"
    )
