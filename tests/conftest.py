# Fixtures shared between test modules live in tests/plugins/, never in a test module another one imports.
pytest_plugins = [
    "tests.plugins.infra",
    "tests.plugins.mail_servers",
    "tests.plugins.stored_email",
    "tests.plugins.stack",
    "tests.plugins.classifier",
    "tests.plugins.ingestor",
    "tests.plugins.responder",
    "tests.plugins.sender",
    "tests.plugins.metrics",
    "tests.plugins.tcp_proxy",
]
