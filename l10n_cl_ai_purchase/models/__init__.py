from . import account_move_line
from . import po_proposal
from . import account_move
from . import account_move_three_way
from . import demo_data
