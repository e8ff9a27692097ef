import re
from dataclasses import MISSING, fields
from pathlib import Path

import pytest

from research.settings import Settings, SettingsError, load_settings, setting_variables

README = Path(__file__).resolve().parents[2] / "README.md"


def test_defaults_match_the_documented_values(tmp_path):
    settings = load_settings({"FRONTLINE_DATA_DIR": str(tmp_path)})
    assert settings.min_group_size == 5
    assert settings.min_comment_group_size == 10
    assert settings.embedding_model == "all-MiniLM-L6-v2"
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'frontline.db'}"
    assert settings.nltk_data_dir == tmp_path / "nltk_data"


def test_environment_overrides_config_file(tmp_path):
    config = tmp_path / "frontline.toml"
    config.write_text('min_group_size = 7\nmin_comment_group_size = 12\ndatabase_url = "sqlite:///x.db"\n')
    settings = load_settings({"FRONTLINE_CONFIG": str(config), "FRONTLINE_MIN_GROUP_SIZE": "8"})
    assert settings.min_group_size == 8
    assert settings.min_comment_group_size == 12
    assert settings.database_url == "sqlite:///x.db"


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"FRONTLINE_MIN_GROUP_SIZE": "five"}, "FRONTLINE_MIN_GROUP_SIZE must be a whole number"),
        ({"FRONTLINE_MIN_COMMENT_GROUP_SIZE": "0"}, "must be at least 1"),
        ({"FRONTLINE_CONFIG": "/nonexistent/frontline.toml"}, "cannot read config file"),
    ],
)
def test_bad_values_are_named_in_the_error(environ, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(environ)


def test_unknown_key_in_config_file_is_refused(tmp_path):
    config = tmp_path / "frontline.toml"
    config.write_text("min_grop_size = 3\n")
    with pytest.raises(SettingsError, match="unknown setting.*min_grop_size"):
        load_settings({"FRONTLINE_CONFIG": str(config)})


def readme_settings_table() -> dict[str, str]:
    """The README's settings table as variable -> its Default cell."""
    rows = re.findall(r"^\| `(FRONTLINE_[A-Z_]+)` \| ([^|]+) \|", README.read_text(), re.MULTILINE)
    return {name: default.strip() for name, default in rows}


def test_the_readme_table_has_each_setting_with_its_default():
    table = readme_settings_table()
    assert set(table) == set(setting_variables())  # no setting missing, none the code does not read
    assert table.pop("FRONTLINE_CONFIG") == "unset"
    for f in fields(Settings):
        assert table[f.metadata["env"]] == f.metadata["shown"], f.name
        if f.default not in (MISSING, ""):  # a literal default: the README shows that very value
            assert f.metadata["shown"] == f"`{f.default}`", f.name


NOT_A_URL = ("FRONTLINE_DATABASE_URL is not a SQLAlchemy database URL such as "
             "postgresql+psycopg://user@host/db or sqlite:////path/frontline.db")
# One bad value for each kind of setting, from the environment: the whole message, on one line.
BAD_VARIABLES = [
    ("FRONTLINE_LOCKOUT_MINUTES", "1.5", "FRONTLINE_LOCKOUT_MINUTES must be a whole number, got '1.5'"),
    ("FRONTLINE_MAX_FAILED_LOGINS", "-3", "FRONTLINE_MAX_FAILED_LOGINS must be at least 1, got -3"),
    ("FRONTLINE_SQLITE_BUSY_TIMEOUT_MS", "0", "FRONTLINE_SQLITE_BUSY_TIMEOUT_MS must be at least 1, got 0"),
    ("FRONTLINE_DATA_DIR", "   ", "FRONTLINE_DATA_DIR must be the path of a folder, got '   '"),
    ("FRONTLINE_EMBEDDING_MODEL", " ", "FRONTLINE_EMBEDDING_MODEL must be a non-empty string, got ' '"),
    ("FRONTLINE_EMBEDDING_BACKEND", "gpu",
     "FRONTLINE_EMBEDDING_BACKEND must be one of onnx-int8, onnx, torch, got 'gpu'"),
    ("FRONTLINE_PUBLIC_URL", "localhost:8501", ("FRONTLINE_PUBLIC_URL must be an http:// or https:// address "
                                                "such as http://localhost:8501, got 'localhost:8501'")),
    ("FRONTLINE_DATABASE_URL", "postgres ql://u:hunter2@db/x", NOT_A_URL),
    ("FRONTLINE_DATABASE_URL", "postgresql://u:hunter2@db:port/x", NOT_A_URL),
    ("FRONTLINE_INBOX_KEY", "hunter2", ("FRONTLINE_INBOX_KEY is not a valid key: make one with "
                                        "Fernet.generate_key() (44 characters of URL-safe base64)")),
]


@pytest.mark.parametrize("variable, value, message", BAD_VARIABLES)
def test_a_bad_value_of_each_kind_is_one_line_naming_the_variable(variable, value, message):
    with pytest.raises(SettingsError) as raised:
        load_settings({variable: value})
    assert str(raised.value) == message
    assert "hunter2" not in str(raised.value)  # secrets (a URL's password, a key) are never echoed


@pytest.mark.parametrize("line, message", [
    ("data_dir = 5", "FRONTLINE_DATA_DIR must be the path of a folder, got 5"),
    ("min_group_size = true", "FRONTLINE_MIN_GROUP_SIZE must be a whole number, got True"),
    ("lockout_minutes = 7.5", "FRONTLINE_LOCKOUT_MINUTES must be a whole number, got 7.5"),
    ("embedding_model = 7", "FRONTLINE_EMBEDDING_MODEL must be a non-empty string, got 7"),
    ("public_url = 8501", ("FRONTLINE_PUBLIC_URL must be an http:// or https:// address such as "
                           "http://localhost:8501, got 8501")),
    ("database_url = 3", "FRONTLINE_DATABASE_URL must be a string (a SQLAlchemy URL), got a int"),
    ("inbox_key = [1]", "FRONTLINE_INBOX_KEY must be a string (a Fernet key), got a list"),
])
def test_a_value_of_the_wrong_type_in_the_config_file_names_the_variable(tmp_path, line, message):
    config = tmp_path / "frontline.toml"
    config.write_text(line + "\n")
    with pytest.raises(SettingsError) as raised:
        load_settings({"FRONTLINE_CONFIG": str(config)})
    assert str(raised.value) == message


def test_good_values_arrive_typed_from_the_environment_the_file_and_the_constructor(tmp_path):
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    settings = load_settings({"FRONTLINE_DATA_DIR": f" {tmp_path} ", "FRONTLINE_LOCKOUT_MINUTES": " 30 ",
                              "FRONTLINE_INBOX_KEY": key, "FRONTLINE_PUBLIC_URL": "https://pulse.example.org",
                              "FRONTLINE_EMBEDDING_BACKEND": "torch", "FRONTLINE_SQLITE_BUSY_TIMEOUT_MS": ""})
    assert settings.data_dir == tmp_path and settings.lockout_minutes == 30 and settings.inbox_key == key
    assert settings.public_url == "https://pulse.example.org" and settings.embedding_backend == "torch"
    assert settings.sqlite_busy_timeout_ms == 5000  # an empty variable counts as unset
    config = tmp_path / "frontline.toml"
    config.write_text(f'data_dir = "{tmp_path}"\nmax_failed_logins = "7"\n')
    assert load_settings({"FRONTLINE_CONFIG": str(config)}).max_failed_logins == 7
    assert Settings(data_dir=str(tmp_path)).data_dir == tmp_path  # type: ignore[arg-type]
    with pytest.raises(SettingsError, match="^FRONTLINE_LOCKOUT_MINUTES must be a whole number, got 'soon'$"):
        Settings(lockout_minutes="soon")  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["1", "2"])
def test_a_score_threshold_below_three_is_refused(value):
    with pytest.raises(SettingsError, match=r"^FRONTLINE_MIN_GROUP_SIZE must be at least 3 .*got " + value + "$"):
        load_settings({"FRONTLINE_MIN_GROUP_SIZE": value, "FRONTLINE_MIN_COMMENT_GROUP_SIZE": "10"})


@pytest.mark.parametrize("value", [1, 2])
def test_a_score_threshold_below_three_is_refused_from_the_config_file(tmp_path, value):
    config = tmp_path / "frontline.toml"
    config.write_text(f"min_group_size = {value}\nmin_comment_group_size = {value}\n")
    with pytest.raises(SettingsError, match="FRONTLINE_MIN_GROUP_SIZE must be at least 3"):
        load_settings({"FRONTLINE_CONFIG": str(config)})


def test_a_comment_threshold_below_the_score_threshold_is_refused(tmp_path):
    rule = r"FRONTLINE_MIN_COMMENT_GROUP_SIZE must be at least FRONTLINE_MIN_GROUP_SIZE \(5\).*got 4$"
    with pytest.raises(SettingsError, match=rule):
        load_settings({"FRONTLINE_MIN_COMMENT_GROUP_SIZE": "4"})
    config = tmp_path / "frontline.toml"
    config.write_text("min_group_size = 8\nmin_comment_group_size = 7\n")
    with pytest.raises(SettingsError, match=r"at least FRONTLINE_MIN_GROUP_SIZE \(8\).*got 7$"):
        load_settings({"FRONTLINE_CONFIG": str(config)})
    # the environment's value is the one checked, not the file's
    with pytest.raises(SettingsError, match=r"at least FRONTLINE_MIN_GROUP_SIZE \(11\).*got 7$"):
        load_settings({"FRONTLINE_CONFIG": str(config), "FRONTLINE_MIN_GROUP_SIZE": "11"})


def test_settings_built_directly_are_checked_too():
    with pytest.raises(SettingsError, match="FRONTLINE_MIN_GROUP_SIZE must be at least 3"):
        Settings(min_group_size=2, min_comment_group_size=2)
    with pytest.raises(SettingsError, match="FRONTLINE_MIN_COMMENT_GROUP_SIZE must be at least"):
        Settings(min_group_size=5, min_comment_group_size=3)


@pytest.mark.parametrize("scores, comments", [(5, 10), (3, 3), (3, 10), (7, 7)])
def test_safe_thresholds_are_accepted(tmp_path, scores, comments):
    from_env = load_settings({"FRONTLINE_MIN_GROUP_SIZE": str(scores),
                              "FRONTLINE_MIN_COMMENT_GROUP_SIZE": str(comments)})
    config = tmp_path / "frontline.toml"
    config.write_text(f"min_group_size = {scores}\nmin_comment_group_size = {comments}\n")
    from_file = load_settings({"FRONTLINE_CONFIG": str(config)})
    for settings in (from_env, from_file):
        assert (settings.min_group_size, settings.min_comment_group_size) == (scores, comments)
    assert (load_settings({}).min_group_size, load_settings({}).min_comment_group_size) == (5, 10)


@pytest.mark.parametrize("command", [["serve", "--port", "8765"], ["users", "list"], ["db", "current"]])
def test_an_unsafe_threshold_stops_the_command_with_one_line(tmp_path, command):
    import os
    import subprocess
    import sys

    env = {**os.environ, "FRONTLINE_DATA_DIR": str(tmp_path), "FRONTLINE_MIN_GROUP_SIZE": "2"}
    result = subprocess.run([os.path.join(os.path.dirname(sys.executable), "frontline"), *command], check=False,
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2
    assert result.stderr.startswith("frontline: error: FRONTLINE_MIN_GROUP_SIZE must be at least 3")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "frontline.db").exists()  # refused before anything is opened


def test_the_analysis_and_comment_erasure_use_the_same_cache(tmp_path, monkeypatch):
    """``frontline analyze`` opens the cache at ``Settings.embedding_cache_path``, which erasure cleans."""
    from research.cli import tools

    opened = []

    class FakeCache:
        def __init__(self, path, model_name):
            opened.append((path, model_name))

        def close(self):
            pass

    monkeypatch.setattr(tools, "EmbeddingCache", FakeCache)
    loaded = []
    monkeypatch.setattr(tools, "load_embedding_model", lambda name, **where: loaded.append(where) or object())
    monkeypatch.setattr(tools, "SentimentScorer", lambda nltk_dir, **models: object())
    settings = load_settings({"FRONTLINE_DATA_DIR": str(tmp_path)})
    with tools.analysis_tools(settings):
        pass
    assert opened == [(settings.embedding_cache_path, settings.embedding_model)]
    # the model comes from these settings too, its ONNX export under this data directory
    assert loaded == [{"backend": settings.embedding_backend, "export_dir": settings.cache_dir / "models"}]
