using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Pingan.Archives.Api;
using Pingan.Archives.Consulting;
using Pingan.Archives.Feed;
using Pingan.Archives.Keeping;
using Pingan.Archives.Persistence;
using Pingan.Audit;
using Pingan.EventLog;
using Pingan.Messaging;
using Pingan.Persistence;
using Pingan.Security;
using Pingan.ServiceDefaults;
using Pingan.Signing;

namespace Pingan.Archives;

/// <summary>How the archives service composes itself; Program.cs runs it, tests start it on free ports.</summary>
public static class ArchivesApplication
{
    /// <summary>The registry's units and terms: where each post is, who held it when, and who keeps its archive.</summary>
    public static readonly Type[] RegistryFeeds =
        [typeof(UnitRegisteredFeed), typeof(UnitRenamedFeed), typeof(UnitMovedFeed), typeof(UnitDissolvedFeed),
            typeof(LeaderAppointedFeed), typeof(LeaderLeftFeed), typeof(LeaderRoleChangedFeed)];

    public static readonly Type[] LettersFeeds = [typeof(LetterSignedFeed), typeof(LetterCompletedFeed)];

    public static readonly Type[] InspectionsFeeds =
        [typeof(FindingRecordedFeed), typeof(RectificationOverdueFeed), typeof(RectificationVerifiedFeed), typeof(ReportingDutySubmittedFeed), typeof(ReportingDutyMissedFeed)];

    public static readonly Type[] SanctionsFeeds =
        [typeof(CaseOpenedFeed), typeof(CaseClosedFeed), typeof(MeasureDecidedFeed), typeof(LeadersInterviewedFeed), typeof(DisqualificationStartedFeed),
            typeof(DisqualificationEndedFeed), typeof(CaseReferredFeed), typeof(ReferralOutcomeFeed)];

    public static readonly Type[] AssessmentsFeeds = [typeof(AssessmentPublishedFeed), typeof(CommendationConferredFeed), typeof(PromotionRecommendedFeed)];

    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults("Pingan archives");
        builder.AddPinganDbContext<ArchivesDb>("archives");
        builder.AddRequestLedger<ArchivesDb>();
        // Fed by the other services' events (inbox, idempotent, order-independent), and rebuilt from their event logs: in batches, a
        // transaction each, so a rebuild replaying a province's years of events is not a commit per event.
        builder.AddPinganMessaging<ArchivesDb>(bus =>
            bus.AddIdempotentBatchConsumers([.. RegistryFeeds, .. LettersFeeds, .. InspectionsFeeds, .. SanctionsFeeds, .. AssessmentsFeeds]));
        builder.AddPinganAudit<ArchivesDb>();
        builder.AddPinganSecurity("archives");
        // Every jurisdiction question is answered from the units the registry announced: no call to another service.
        builder.Services.AddScoped<IAccountabilityChain, ArchivesChain>();
        builder.Services.AddScoped<ArchiveBook>();
        builder.Services.AddSingleton<IServiceStep, RebuildStep>();
        // The platform's consultation key (Art. 23 answers are signed): 32+ random bytes, base64, from a secret.
        builder.Services.AddSingleton(sp => new ConsultationSigner(new Sm2PrivateKey(builder.Configuration["Archives:ConsultationKey"]
            ?? throw new InvalidOperationException("Set Archives:ConsultationKey to 32+ random bytes in base64 (openssl rand -base64 32): the key consultation answers are signed with."))));
        builder.Services.DescribeRefusals<ConsultRequest>(r =>
            (Guid.TryParse(r.LeaderId, out var id) ? $"leader/{id}" : null, $"leader {r.LeaderId}, as of {r.AsOf}, purpose {r.Purpose}, reference {r.Reference}"));
        builder.Services.DescribeRefusals<SetYearlyGradeRequest>(r =>
            (Guid.TryParse(r.LeaderId, out var id) ? $"leader/{id}" : null, $"{r.Year} grade {r.Grade} by {r.KeeperCode}"));
        builder.Services.AddRequestValidators(typeof(ArchivesApplication).Assembly);
        // ADR 0012: everything the producers published before this service listened (or before a rebuild) is read from their logs.
        builder.FollowEventLog<ArchivesDb>("archives", "registry", "Services:Registry:Grpc", RegistryFeeds);
        builder.FollowEventLog<ArchivesDb>("archives", "letters", "Services:Letters:Grpc", LettersFeeds);
        builder.FollowEventLog<ArchivesDb>("archives", "inspections", "Services:Inspections:Grpc", InspectionsFeeds);
        builder.FollowEventLog<ArchivesDb>("archives", "sanctions", "Services:Sanctions:Grpc", SanctionsFeeds);
        builder.FollowEventLog<ArchivesDb>("archives", "assessments", "Services:Assessments:Grpc", AssessmentsFeeds);

        var app = builder.Build();
        app.MapServiceDefaults();
        app.UsePinganSecurity();
        app.MapGrpcService<ArchivesService>();
        app.MapGrpcService<ConsultationsService>();
        app.MapAuditLog<ArchivesDb>();
        return app;
    }
}
