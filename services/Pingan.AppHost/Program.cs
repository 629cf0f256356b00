// The local run of the whole platform (`./platform up`). PostgreSQL and RabbitMQ are started by the
// platform script before this host (no container engine is needed) and arrive as connection strings.
var builder = DistributedApplication.CreateBuilder(args);

var postgres = builder.AddConnectionString("postgres");
var rabbitmq = builder.AddConnectionString("rabbitmq");

// Each service is added with AddPinganService (PinganServices.cs): a migrate step that must finish,
// then the service with its fixed REST and gRPC ports (README.md lists them), then its demo-data seed.
builder.AddPinganService<Projects.Pingan_Identity>("identity", 5091, 5092, postgres, rabbitmq, seedStep: "seed-demo")
    // Loopback only: the cluster's ingress terminates TLS in production.
    .WithEnvironment("Identity__AllowHttp", "true")
    .WithEnvironment("Identity__Issuer", "http://127.0.0.1:5091/");
builder.AddPinganService<Projects.Pingan_Registry>("registry", 5101, 5102, postgres, rabbitmq, seedStep: "seed-demo");

builder.Build().Run();
