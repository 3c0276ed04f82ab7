# Copy to instance/config.py and adjust. TRIVSEL_* environment variables override these.

# Signs sessions and CSRF tokens. Without it, a random key is kept in instance/secret_key.
# SECRET_KEY = "a long random string"

# SQLite in instance/trivsel.db by default; PostgreSQL in production:
# DATABASE_URL = "postgresql://trivsel:password@127.0.0.1:5432/trivsel"

# Working days an inquiry may wait for first contact before the dashboard flags it.
# FIRST_CONTACT_FLAG_DAYS = 2

# The expected length of a course in weeks (a guideline, not a limit).
# COURSE_EXPECTED_WEEKS = 13

# Plugins not to load (by name), e.g. a built-in partner plugin you do not use.
# DISABLED_PLUGINS = ("example",)

# Behind HTTPS (production), send the session cookie over HTTPS only.
# SESSION_COOKIE_SECURE = True
