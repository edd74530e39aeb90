pytest_plugins = ["tests.plugins.infra", "tests.plugins.mail_servers", "tests.plugins.stored_email",
                  "tests.plugins.stack", "tests.plugins.classifier"]
