using MassTransit;
using Microsoft.AspNetCore.Builder;
using Pingan.Assessments.Persistence;
using Pingan.Assessments.Schemes;
using Pingan.Assessments.Surveys;
using Pingan.Audit;
using Pingan.EventLog;
using Pingan.Messaging;
using Pingan.Persistence;
using Pingan.Registry.Contracts;
using Pingan.Security;
using Pingan.ServiceDefaults;

namespace Pingan.Assessments;

/// <summary>How the assessments service composes itself; Program.cs runs it, tests start it on free ports.</summary>
public static class AssessmentsApplication
{
    /// <summary>The inputs the inspections service's events carry: findings, reporting duties, incidents; and the problems' rectification.</summary>
    private static readonly Type[] InspectionConsumers =
        [typeof(Inputs.FindingInput), typeof(Inputs.DutySubmittedInput), typeof(Inputs.DutyMissedInput), typeof(Inputs.IncidentInput),
            typeof(Inputs.ProblemFound), typeof(Inputs.ProblemOverdue), typeof(Inputs.ProblemVerified)];

    /// <summary>The sanctions service's events: measures (inputs) and listings' disqualifications (Art. 35 ¶4, for commendations).</summary>
    private static readonly Type[] SanctionsConsumers =
        [typeof(Inputs.MeasureInput), typeof(Commendations.DisqualificationStartedInput), typeof(Commendations.DisqualificationEndedInput)];

    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults("Pingan assessments");
        builder.AddPinganDbContext<AssessmentsDb>("assessments");
        builder.AddRequestLedger<AssessmentsDb>();
        // Issue 14: the inputs, consumed from the producers' events (inbox, idempotent, order-independent).
        builder.AddPinganMessaging<AssessmentsDb>(bus =>
        {
            bus.AddConsumers([.. InspectionConsumers, typeof(Inputs.LetterCompletionInput), .. SanctionsConsumers]);
        });
        builder.AddPinganAudit<AssessmentsDb>();
        builder.AddPinganSecurity("assessments");
        // Units and their accountability chains come from the registry, asked on the caller's token.
        var registry = builder.Configuration["Services:Registry:Grpc"]
            ?? throw new InvalidOperationException("Set Services:Registry:Grpc to the registry's gRPC address.");
        builder.Services.AddRegistryAccountabilityChain(new Uri(registry));
        builder.Services.AddScoped<Commendations.EligibilityCheck>();
        builder.Services.AddRequestValidators(typeof(AssessmentsApplication).Assembly);
        // ADR 0012: what a producer published before this service listened is read from its event log, as this service.
        builder.FollowEventLog<AssessmentsDb>("assessments", "inspections", "Services:Inspections:Grpc", InspectionConsumers);
        builder.FollowEventLog<AssessmentsDb>("assessments", "letters", "Services:Letters:Grpc", typeof(Inputs.LetterCompletionInput));
        builder.FollowEventLog<AssessmentsDb>("assessments", "sanctions", "Services:Sanctions:Grpc", SanctionsConsumers);

        var app = builder.Build();
        app.MapServiceDefaults();
        app.UsePinganSecurity();
        app.MapGrpcService<SchemesService>();
        app.MapGrpcService<AssessmentsService>();
        app.MapGrpcService<SurveysService>();
        app.MapGrpcService<Inputs.InputsService>();
        app.MapGrpcService<Commendations.CommendationsService>();
        app.MapGrpcService<Commendations.RecognitionService>();
        app.MapAuditLog<AssessmentsDb>();
        app.MapEventLog<AssessmentsDb>(); // ADR 0012: the archives and the sanctions service read it when they start later
        return app;
    }
}
