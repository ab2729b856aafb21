from . import prefork_metrics  # first: multiprocess metrics are set up before any metric exists
from . import controllers
from . import models
from . import wizard
from .hooks import uninstall_hook
