// The local run of the whole platform (`./platform up`). PostgreSQL and RabbitMQ are started by the
// platform script before this host (no container engine is needed) and arrive as connection strings.
var builder = DistributedApplication.CreateBuilder(args);

var postgres = builder.AddConnectionString("postgres");
var rabbitmq = builder.AddConnectionString("rabbitmq");

// Each service is added with AddPinganService (PinganServices.cs): a migrate step that must finish,
// then the service with its fixed REST and gRPC ports (README.md lists them), then its demo-data seed.
var issuer = PinganServices.Url(builder, 5091) + "/";
builder.AddPinganService<Projects.Pingan_Identity>("identity", 5091, 5092, postgres, rabbitmq, seedStep: "seed-demo",
    // Loopback only: the cluster's ingress terminates TLS in production.
    ("Identity__AllowHttp", "true"), ("Identity__Issuer", issuer),
    // The demo accounts and systems with their published secrets: the local profile only (issue 11).
    ("Identity__DemoAccounts", "true"),
    // ADR 0012: the sanctions service reads the inspections' event log as its own client; ./platform up generates the secret once.
    ("Identity__ServiceClients__sanctions__Secret", ServiceClientSecret()), ("Identity__ServiceClients__assessments__Secret", ServiceClientSecret()),
    ("Identity__ServiceClients__archives__Secret", ServiceClientSecret()),
    // Issue 17: the portal as a confidential client, redirected back to its own address.
    ("Identity__Portal__Secret", PortalSecret()), ("Identity__Portal__RedirectUris", PinganServices.Url(builder, 5080) + "/signin-oidc"),
    // Seals its keys and TOTP secrets at rest; ./platform up keeps it in .local/run/identity-kek.secret.
    ("Identity__KeyEncryptionKey", builder.Configuration["Pingan:IdentityKek"]
        ?? throw new InvalidOperationException("Pingan:IdentityKek is not set: start the platform with ./platform up")));

// Every other service takes the identity service's tokens (Pingan.Security); over plain HTTP on loopback only.
(string, string)[] security = [("Security__Authority", issuer), ("Security__RequireHttpsMetadata", "false")];
builder.AddPinganService<Projects.Pingan_Registry>("registry", 5101, 5102, postgres, rabbitmq, seedStep: "seed-demo", security);
builder.AddPinganService<Projects.Pingan_Letters>("letters", 5111, 5112, postgres, rabbitmq, seedStep: null,
    [.. security, ("Services__Registry__Grpc", PinganServices.Url(builder, 5102))]);
// The discipline and organisation departments' own systems, simulated (tests/Pingan.DepartmentSystems): they take
// the sanctions service's referrals (Art. 32, 39); GET http://127.0.0.1:5191/discipline/referrals shows what they filed.
var departments = PinganServices.Url(builder, 5191);
builder.AddProject<Projects.Pingan_DepartmentSystems>("department-systems", launchProfileName: null)
    .WithEnvironment("ASPNETCORE_URLS", departments)
    .WithEnvironment("Logging__Console__FormatterOptions__ColorBehavior", "Disabled")
    .WithUrl(departments + "/discipline/referrals", "Discipline referrals");
PinganServices.Plan(builder).Services.Add(new("department-systems", departments, GrpcUrl: null, "simulated department systems"));
builder.AddPinganService<Projects.Pingan_Sanctions>("sanctions", 5151, 5152, postgres, rabbitmq, seedStep: null,
    [.. security, ("Services__Registry__Grpc", PinganServices.Url(builder, 5102)),
     ("Services__Inspections__Grpc", PinganServices.Url(builder, 5122)), ("Services__Assessments__Grpc", PinganServices.Url(builder, 5132)),
     ("Security__ServiceClient__Secret", ServiceClientSecret()),
     // A department's developer points the referrals at their own system (docs/integration/README.md "Sandbox").
     ("Sanctions__Departments__discipline", Environment.GetEnvironmentVariable("PINGAN_DISCIPLINE_SYSTEM") is { Length: > 0 } d ? d : departments + "/discipline/"),
     ("Sanctions__Departments__organisation", Environment.GetEnvironmentVariable("PINGAN_ORGANISATION_SYSTEM") is { Length: > 0 } o ? o : departments + "/organisation/")]);

// Issue 13: the five inspection forms of Art. 18; its findings referred as Art. 31 situations open sanctions cases.
builder.AddPinganService<Projects.Pingan_Inspections>("inspections", 5121, 5122, postgres, rabbitmq, seedStep: null,
    [.. security, ("Services__Registry__Grpc", PinganServices.Url(builder, 5102))]);

// Issue 14: the year's schemes of each assessing level (Art. 19, 20), their opening, and the surveys of Art. 7(4).
builder.AddPinganService<Projects.Pingan_Assessments>("assessments", 5131, 5132, postgres, rabbitmq, seedStep: null,
    [.. security, ("Services__Registry__Grpc", PinganServices.Url(builder, 5102)),
     ("Services__Inspections__Grpc", PinganServices.Url(builder, 5122)), ("Services__Letters__Grpc", PinganServices.Url(builder, 5112)),
     ("Services__Sanctions__Grpc", PinganServices.Url(builder, 5152)), ("Security__ServiceClient__Secret", ServiceClientSecret())]);

// Issue 15: the performance archives (Art. 22), fed by every producer's events and logs, and the Art. 23 consultation
// signed with the platform's consultation key (./platform up keeps it in .local/run/consultation-key.secret).
builder.AddPinganService<Projects.Pingan_Archives>("archives", 5141, 5142, postgres, rabbitmq, seedStep: null,
    [.. security, ("Services__Registry__Grpc", PinganServices.Url(builder, 5102)), ("Services__Letters__Grpc", PinganServices.Url(builder, 5112)),
     ("Services__Inspections__Grpc", PinganServices.Url(builder, 5122)), ("Services__Sanctions__Grpc", PinganServices.Url(builder, 5152)),
     ("Services__Assessments__Grpc", PinganServices.Url(builder, 5132)), ("Security__ServiceClient__Secret", ServiceClientSecret()),
     ("Archives__ConsultationKey", builder.Configuration["Pingan:ConsultationKey"]
        ?? throw new InvalidOperationException("Pingan:ConsultationKey is not set: start the platform with ./platform up"))]);

// Issue 17: the web portal, where people work; signs in at the identity service as its confidential client
// (Identity:Portal:* above registers it) and calls the services on the person's own token.
var portal = PinganServices.Url(builder, 5080);
builder.AddProject<Projects.Pingan_Portal>("portal", launchProfileName: null)
    .WithEnvironment("ASPNETCORE_URLS", portal)
    .WithEnvironment("Logging__Console__FormatterName", "simple")
    .WithEnvironment("Portal__Authority", issuer).WithEnvironment("Portal__RequireHttpsMetadata", "false")
    .WithEnvironment("Portal__ClientSecret", PortalSecret())
    .WithEnvironment("Portal__Services__Registry", PinganServices.Url(builder, 5102))
    .WithEnvironment("Portal__Services__Letters", PinganServices.Url(builder, 5112))
    .WithEnvironment("Portal__Services__Sanctions", PinganServices.Url(builder, 5152))
    .WithEnvironment("Portal__Services__Inspections", PinganServices.Url(builder, 5122))
    .WithEnvironment("Portal__Services__Assessments", PinganServices.Url(builder, 5132))
    .WithEnvironment("Portal__Services__Archives", PinganServices.Url(builder, 5142))
    .WithUrl(portal, "Portal");
PinganServices.Plan(builder).Services.Add(new("portal", portal, GrpcUrl: null, "web portal: sign in as a demo account"));

builder.Build().Run();

string PortalSecret() => builder.Configuration["Pingan:PortalSecret"]
    ?? throw new InvalidOperationException("Pingan:PortalSecret is not set: start the platform with ./platform up");

string ServiceClientSecret() => builder.Configuration["Pingan:ServiceClientSecret"]
    ?? throw new InvalidOperationException("Pingan:ServiceClientSecret is not set: start the platform with ./platform up");
