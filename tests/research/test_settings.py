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
