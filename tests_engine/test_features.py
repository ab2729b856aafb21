"""The features table: rate and model of each feature from the settings, the ledger's selection."""

from services import features
from services.settings import EngineSettings


def test_each_feature_takes_its_rate_and_its_own_model_else_the_main_one():
    settings = EngineSettings(
        model="main",
        dte_model="cheap",
        chat_model="",
        sii_model="summ",
        validate_rate_per_minute=7,
        chat_rate_per_minute=3,
    )
    assert [features.rate_per_minute(code, settings) for code in ("dte_validation", "chat", "sii")] == [
        7,
        3,
        7,
    ]
    assert [features.model_for(code, settings) for code in ("dte_validation", "chat", "sii")] == [
        "cheap",
        "main",
        "summ",
    ]
    assert features.rate_per_minute("unknown", settings) == 3, "an unknown feature is limited like other"
    assert features.model_for("knowledge_search", settings) == "main"


def test_the_ledger_lists_the_claude_features_and_keeps_replies_of_replayed_ones_only():
    codes = [code for code, _label in features.LEDGER_SELECTION]
    assert codes == ["dte_validation", "chat", "sii", "bill_coding", "other"]
    assert features.REPLAYED == {"dte_validation", "sii", "bill_coding"}
