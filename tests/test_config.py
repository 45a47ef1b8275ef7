"""One configuration: defaults → instance/config.py → QA_* environment → explicit arguments."""

from __future__ import annotations

from qa import config


def test_later_sources_win_and_environment_values_parse_as_json(tmp_path):
    (tmp_path / "config.py").write_text("WORKERS = 3\nTHREADS = 8\nINDEX_DIR = '/from/instance'\nlowercase = 1\n")
    settings = config.load({"THREADS": 16}, instance_dir=tmp_path,
                           environ={"QA_WORKERS": "5", "QA_BIND": "0.0.0.0:9000", "QA_LOAD_IN_BACKGROUND": "false",
                                    "OTHER": "x"})
    assert settings["INDEX_DIR"] == "/from/instance"  # instance over default
    assert settings["WORKERS"] == 5  # environment over instance, parsed as JSON
    assert settings["THREADS"] == 16  # explicit over everything
    assert settings["BIND"] == "0.0.0.0:9000" and settings["LOAD_IN_BACKGROUND"] is False
    assert settings["READER_BACKEND"] == config.DEFAULTS["READER_BACKEND"]
    assert "lowercase" not in settings and "OTHER" not in settings
    assert settings["SESSIONS_DB"] == str(tmp_path / "sessions.sqlite3")  # beside the instance config


def test_no_instance_file_means_defaults_and_environment(tmp_path):
    settings = config.load(instance_dir=tmp_path / "missing", environ={})
    assert {k: settings[k] for k in config.DEFAULTS if k != "SESSIONS_DB"} == \
           {k: v for k, v in config.DEFAULTS.items() if k != "SESSIONS_DB"}


def test_the_app_factory_reads_the_instance_config(tmp_path, monkeypatch, sample_index):
    from qa.web.app import create_app

    monkeypatch.setattr("qa.paths.INSTANCE_DIR", tmp_path)
    (tmp_path / "config.py").write_text(f"INDEX_DIR = {str(sample_index)!r}\nMAX_CONTENT_LENGTH = 1234\n")
    app = create_app({"TESTING": True, "LOAD_IN_BACKGROUND": False})
    assert app.config["INDEX_DIR"] == str(sample_index) and app.config["MAX_CONTENT_LENGTH"] == 1234
    assert app.config["SESSIONS_DB"] == str(tmp_path / "sessions.sqlite3")
    response = app.test_client().post("/api/documents", json={"name": "big", "text": "x" * 5000})
    assert response.status_code == 413


def test_text_settings_stay_text_whatever_they_look_like(tmp_path):
    settings = config.load(instance_dir=tmp_path, environ={"QA_API_KEY": "1.50", "QA_INDEX_DIR": "2024",
                                                           "QA_TORCH_THREADS": "2"})
    assert settings["API_KEY"] == "1.50" and settings["INDEX_DIR"] == "2024"
    assert settings["TORCH_THREADS"] == 2  # numbers where a number is meant
