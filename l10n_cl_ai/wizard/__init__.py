from . import knowledge_try
