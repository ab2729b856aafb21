from . import engine
from . import model_price
from . import res_config_settings
from . import usage
from . import demo_data
from . import knowledge_document
from . import operations
from . import budget_alert
