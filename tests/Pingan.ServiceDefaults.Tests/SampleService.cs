using System.Collections.Concurrent;
using FluentValidation;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Messaging;
using Pingan.Persistence;
using Pingan.ServiceDefaults.Tests.Sample;

namespace Pingan.ServiceDefaults.Tests;

public sealed class UnitStore
{
    public ConcurrentDictionary<string, Unit> Units { get; } = new();
}

public sealed class UnitRegistryService(UnitStore store) : UnitRegistry.UnitRegistryBase
{
    public override Task<Unit> CreateUnit(CreateUnitRequest request, ServerCallContext context)
    {
        var unit = new Unit { Code = request.Code, DisplayName = request.DisplayName, TargetCount = request.Targets.Count };
        if (!store.Units.TryAdd(unit.Code, unit)) throw new AlreadyExistsException($"Unit {unit.Code} exists already.");
        return Task.FromResult(unit);
    }

    public override Task<Unit> GetUnit(GetUnitRequest request, ServerCallContext context) =>
        store.Units.TryGetValue(request.Code, out var unit)
            ? Task.FromResult(unit)
            : throw new NotFoundException($"No unit {request.Code}.");
}

public sealed class CreateUnitRequestValidator : AbstractValidator<CreateUnitRequest>
{
    public CreateUnitRequestValidator()
    {
        RuleFor(r => r.Code).Matches("^[0-9]{12}$").Says("必须是 12 位区划代码", "must be a 12-digit division code");
        RuleFor(r => r.DisplayName).NotEmpty().Says("必填", "must not be empty");
        RuleForEach(r => r.Targets).ChildRules(t =>
            t.RuleFor(x => x.Weight).GreaterThan(0).LessThanOrEqualTo(100).WithMessage("must be in (0, 100]"));
    }
}

/// <summary>The database the sample service's readiness depends on.</summary>
public sealed class SampleDb(DbContextOptions<SampleDb> options) : PinganDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddTransactionalMessaging();
        base.OnModelCreating(modelBuilder);
    }
}
