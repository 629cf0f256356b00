using Pingan.Registry.Api;
using Pingan.ServiceDefaults;

namespace Pingan.Registry.Integration;

/// <summary>Collects the outcome of each row of an import into the report the caller reads.</summary>
public sealed class ImportReportBuilder(bool dryRun)
{
    /// <summary>Rows reported beside the failed ones in a real (not dry) run; a dry run reports every change.</summary>
    public const int ChangedRowsReported = 1000;

    private readonly ImportReport _report = new() { DryRun = dryRun };
    private int _changedReported;

    public bool HasFailures => _report.Failed > 0;

    public void Add(int row, string key, RowOutcome outcome, IEnumerable<FieldChange>? changes = null)
    {
        switch (outcome)
        {
            case RowOutcome.Created: _report.Created++; break;
            case RowOutcome.Updated: _report.Updated++; break;
            case RowOutcome.Unchanged: _report.Unchanged++; return;
            case RowOutcome.AlreadyApplied: _report.AlreadyApplied++; break;
        }
        if (!dryRun && _changedReported >= ChangedRowsReported)
        {
            _report.RowsTruncated = true;
            return;
        }
        _changedReported++;
        var result = new RowResult { Row = row, Key = key, Outcome = outcome };
        if (changes is not null) result.Changes.AddRange(changes);
        _report.Rows.Add(result);
    }

    public void Fail(int row, string key, string field, string error)
    {
        _report.Failed++;
        AddFailedRow(row, key, field, error);
    }

    /// <summary>Records a rule's refusal of a row: every field it names, or the message of a state rule.</summary>
    public void Fail(int row, string key, Exception error)
    {
        switch (error)
        {
            case RequestValidationException v:
                _report.Failed++;
                foreach (var e in v.Errors) AddFailedRow(row, key, e.Field, e.Description);
                break;
            default:
                Fail(row, key, "", error.Message);
                break;
        }
    }

    private void AddFailedRow(int row, string key, string field, string error) =>
        _report.Rows.Add(new RowResult { Row = row, Key = key, Outcome = RowOutcome.Failed, Field = field, Error = error });

    public static bool IsRowError(Exception e) =>
        e is RequestValidationException or DomainRuleException or NotFoundException or AlreadyExistsException;

    public ImportReport Build(bool applied)
    {
        _report.Applied = applied;
        var sorted = _report.Rows.OrderBy(r => r.Row).ToList();
        _report.Rows.Clear();
        _report.Rows.AddRange(sorted);
        return _report;
    }
}
