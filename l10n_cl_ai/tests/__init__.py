from . import test_settings
from . import test_engine_facade
from . import test_security
from . import test_demo_data
from . import test_engine_calls
from . import test_knowledge
from . import test_plugin_selection
from . import test_http_routes
