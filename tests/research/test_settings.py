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


def test_every_setting_is_documented_in_the_readme():
    readme = README.read_text()
    missing = [name for name in setting_variables() if f"`{name}`" not in readme]
    assert not missing, f"README lacks {missing}"
    assert len(setting_variables()) == len(Settings.__dataclass_fields__) + 1


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
    result = subprocess.run([os.path.join(os.path.dirname(sys.executable), "frontline"), *command],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2
    assert result.stderr.startswith("frontline: error: FRONTLINE_MIN_GROUP_SIZE must be at least 3")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "frontline.db").exists()  # refused before anything is opened


def test_the_analysis_and_comment_erasure_use_the_same_cache(tmp_path, monkeypatch):
    """``frontline analyze`` opens the cache at ``Settings.embedding_cache_path``, which erasure cleans."""
    import research.cli.tools as tools

    opened = []

    class FakeCache:
        def __init__(self, path, model_name):
            opened.append((path, model_name))

        def close(self):
            pass

    monkeypatch.setattr(tools, "EmbeddingCache", FakeCache)
    monkeypatch.setattr(tools, "load_embedding_model", lambda name: object())
    monkeypatch.setattr(tools, "SentimentScorer", lambda nltk_dir: object())
    settings = load_settings({"FRONTLINE_DATA_DIR": str(tmp_path)})
    with tools.analysis_tools(settings):
        pass
    assert opened == [(settings.embedding_cache_path, settings.embedding_model)]
