"""What every worker shares through Redis: the client built from the settings (``connection``: URL or
Sentinel), the outage guard and cached probe every Redis user shares (``shared_state``), and the
sliding-window rate limiter (``limiter``: one atomic Lua call, ``limiter_lua``, with a local fallback,
``limiter_local``)."""
