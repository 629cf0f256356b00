using Microsoft.EntityFrameworkCore;
using Pingan.Audit;
using Pingan.Messaging;
using Pingan.Persistence;
using Pingan.Registry.Api;
using Pingan.Registry.Leadership;
using Pingan.Registry.Persistence;
using Pingan.ServiceDefaults;
using Pingan.Time;
using LeadershipRole = Pingan.Registry.Contracts.LeadershipRole;
using Leader = Pingan.Registry.Leadership.Leader;
using Term = Pingan.Registry.Leadership.Term;

namespace Pingan.Registry.Integration;

public sealed record TermRow(int Row, TermRecord Record);

/// <summary>
/// Appointments from the organisation and personnel departments' systems, keyed by their ids: a batch of
/// terms (a snapshot or a backlog), and the feed of changes as they happen. Both apply each appointment once
/// however often it is sent, and neither rewrites history: a recorded term only ever gains its end.
/// </summary>
public sealed class TermImport(RegistryDb db, IOutbox outbox, TimeProvider time, IAuditTrail audit)
{
    public async Task<ImportReport> RunAsync(string action, IReadOnlyList<TermRow> rows, ImportMode mode, bool dryRun, CancellationToken ct,
        IEnumerable<(int Row, string Field, string Error)>? unreadable = null)
    {
        var report = new ImportReportBuilder(dryRun);
        foreach (var (row, field, error) in unreadable ?? []) report.Fail(row, "", field, error);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await TermQueries.LockAsync(db, ct);
        var book = await LoadAsync(rows.Select(r => r.Record), ct);
        var session = new Session(db, outbox, book, time.GetUtcNow());
        foreach (var (row, record) in rows)
        {
            try
            {
                var (outcome, changes) = session.Apply(record);
                report.Add(row, record.AppointmentId, outcome, changes);
            }
            catch (Exception e) when (ImportReportBuilder.IsRowError(e))
            {
                report.Fail(row, record.AppointmentId, e);
            }
        }
        var apply = !dryRun && (mode == ImportMode.PerRow || !report.HasFailures);
        if (apply) await session.SaveAsync(tx, () => audit.RecordAsync(new AuditRecord(action, "terms", Detail: AuditDetail.Of(report.Build(true))), ct), ct);
        return report.Build(apply);
    }

    /// <summary>The feed: each change applied on its own (a bad one rejects nothing else) and at most once per change id.</summary>
    public async Task<ImportReport> ApplyChangesAsync(string action, string source, IReadOnlyList<PersonnelChange> changes, bool dryRun, CancellationToken ct)
    {
        var report = new ImportReportBuilder(dryRun);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await TermQueries.LockAsync(db, ct);
        var ids = changes.Select(c => c.ChangeId).ToArray();
        var applied = (await db.AppliedChanges.AsNoTracking().Where(a => a.Source == source && ids.Contains(a.ChangeId))
            .Select(a => a.ChangeId).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var records = changes.SelectMany(c => c.ChangeCase switch
        {
            PersonnelChange.ChangeOneofCase.Appointment => [c.Appointment],
            PersonnelChange.ChangeOneofCase.Transfer when c.Transfer.To is not null => [c.Transfer.To],
            _ => Array.Empty<TermRecord>(),
        });
        var removedIds = changes.Select(c => c.ChangeCase switch
        {
            PersonnelChange.ChangeOneofCase.Removal => c.Removal.AppointmentId,
            PersonnelChange.ChangeOneofCase.Transfer => c.Transfer.FromAppointmentId,
            _ => "",
        }).Where(id => id.Length > 0);
        var book = await LoadAsync(records, ct, removedIds);
        var now = time.GetUtcNow();
        var session = new Session(db, outbox, book, now);
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            var row = i + 1;
            if (!applied.Add(change.ChangeId))
            {
                report.Add(row, change.ChangeId, RowOutcome.AlreadyApplied);
                continue;
            }
            try
            {
                var fieldChanges = session.Apply(change);
                db.AppliedChanges.Add(new AppliedChange { Source = source, ChangeId = change.ChangeId, AppliedAt = now });
                report.Add(row, change.ChangeId, change.ChangeCase == PersonnelChange.ChangeOneofCase.Removal ? RowOutcome.Updated : RowOutcome.Created, fieldChanges);
            }
            catch (Exception e) when (ImportReportBuilder.IsRowError(e))
            {
                applied.Remove(change.ChangeId);
                report.Fail(row, change.ChangeId, e);
            }
        }
        if (!dryRun) await session.SaveAsync(tx, () => audit.RecordAsync(new AuditRecord(action, $"feed/{source}", Detail: AuditDetail.Of(report.Build(true))), ct), ct);
        return report.Build(!dryRun);
    }

    private Task<TermBook> LoadAsync(IEnumerable<TermRecord> records, CancellationToken ct, IEnumerable<string>? moreAppointmentIds = null)
    {
        var list = records.ToList();
        return TermBook.LoadAsync(db,
            list.Select(r => r.UnitCode).Concat(list.Select(r => r.CadreAuthorityCode)).Where(c => c.Length > 0),
            list.Select(r => r.AppointmentId).Concat(moreAppointmentIds ?? []).Where(id => id.Length > 0),
            [], ct, list.Select(r => r.PersonId).Where(p => p.Length > 0));
    }

    /// <summary>One batch's work in memory: new leaders and terms, ended terms, and their events.</summary>
    private sealed class Session(RegistryDb db, IOutbox outbox, TermBook book, DateTimeOffset now)
    {
        private readonly TermPlanner _planner = new(book);
        private readonly List<Term> _newTerms = [];
        private readonly List<Leader> _newLeaders = [];
        private readonly List<object> _events = [];
        private readonly DateOnly _today = ChinaTime.DateOf(now);

        public (RowOutcome, List<FieldChange>) Apply(TermRecord r)
        {
            Check(r, "");
            var existing = book.ByExternalId(r.AppointmentId);
            if (existing is null)
            {
                var (leader, isNew) = LeaderFor(r, "");
                var term = _planner.Appoint(leader, Draft(r), now);
                if (isNew) Recorded(leader);
                Created(term, leader);
                return (RowOutcome.Created, []);
            }
            var changes = new List<FieldChange>();
            var known = book.Leader(existing.LeaderId)!;
            var mismatch = new List<FieldError>();
            if (known.ExternalId != r.PersonId) mismatch.Add(new("person_id", Say.T($"任命 {r.AppointmentId} 的人员是 {known.ExternalId}（{known.Name}）", $"appointment {r.AppointmentId} is of {known.ExternalId} ({known.Name})")));
            if (existing.UnitCode != r.UnitCode) mismatch.Add(new("unit_code", Say.T($"任命 {r.AppointmentId} 的任职单位是 {existing.UnitCode}", $"appointment {r.AppointmentId} is to {existing.UnitCode}")));
            if (existing.Role != (LeadershipRole)(int)r.Role) mismatch.Add(new("role", Say.T($"任命 {r.AppointmentId} 的职责是 {existing.Role}", $"appointment {r.AppointmentId} is as {existing.Role}")));
            if (existing.Portfolio != r.Portfolio.Trim()) mismatch.Add(new("portfolio", Say.T($"任命 {r.AppointmentId} 的分管领域是“{existing.Portfolio}”", $"appointment {r.AppointmentId} has portfolio '{existing.Portfolio}'")));
            if (r.HasComprehensiveManagement && existing.ComprehensiveManagement != r.ComprehensiveManagement)
                mismatch.Add(new("comprehensive_management", Say.T($"任命 {r.AppointmentId} {(existing.ComprehensiveManagement ? "" : "不")}分管综治工作",
                    $"appointment {r.AppointmentId} is {(existing.ComprehensiveManagement ? "" : "not ")}the one for comprehensive management")));
            if (existing.StartsOn != Dates.ParseOr(r.StartsOn, _today)) mismatch.Add(new("starts_on", Say.T($"任命 {r.AppointmentId} 的开始日期为 {Dates.Write(existing.StartsOn)}", $"appointment {r.AppointmentId} starts on {Dates.Write(existing.StartsOn)}")));
            var endsOn = Dates.ParseOptional(r.EndsOn);
            // After a role change the appointment runs on in its successor term: that one's end is the appointment's.
            var current = book.Current(existing);
            if (current.EndsOn is { } ended && endsOn != ended)
                mismatch.Add(new("ends_on", Say.T($"任命 {r.AppointmentId} 已于 {Dates.Write(ended)} 结束；已记录的结束日期不予改写", $"appointment {r.AppointmentId} ended on {Dates.Write(ended)}; a recorded end is not rewritten")));
            if (current.EndsOn is null && endsOn is { } early && early < current.StartsOn)
                mismatch.Add(new("ends_on", Say.T($"不得早于当前任职的开始日期（{Dates.Write(current.StartsOn)}）", $"must not be before {Dates.Write(current.StartsOn)}, when the running term began")));
            if (mismatch.Count > 0)
            {
                mismatch.Add(new("appointment_id", Say.T("历史记录不予改写：请改为发送一条免职和一条新任命", "history is not rewritten: send a removal and a new appointment instead")));
                throw new RequestValidationException(mismatch);
            }
            if (known.Name != r.PersonName.Trim() && r.PersonName.Trim().Length > 0)
            {
                changes.Add(new FieldChange { Field = "person_name", Before = known.Name, After = r.PersonName.Trim() });
                known.Name = r.PersonName.Trim();
            }
            if (current.EndsOn is null && endsOn is { } end)
            {
                TermPlanner.End(current, end, Text.OrNull(r.EndReason));
                _events.Add(TermPlanner.Left(current));
                changes.Add(new FieldChange { Field = "ends_on", Before = "", After = Dates.Write(end) });
            }
            return (changes.Count > 0 ? RowOutcome.Updated : RowOutcome.Unchanged, changes);
        }

        public List<FieldChange> Apply(PersonnelChange change)
        {
            switch (change.ChangeCase)
            {
                case PersonnelChange.ChangeOneofCase.Appointment:
                    Check(change.Appointment, "appointment.");
                    if (book.ByExternalId(change.Appointment.AppointmentId) is not null)
                        throw new RequestValidationException("appointment.appointment_id", Say.T($"任命 {change.Appointment.AppointmentId} 已登记", $"appointment {change.Appointment.AppointmentId} is recorded already"));
                    Apply(change.Appointment);
                    return [new FieldChange { Field = "appointment_id", After = change.Appointment.AppointmentId }];
                case PersonnelChange.ChangeOneofCase.Removal:
                {
                    var term = Running(change.Removal.AppointmentId, "removal.appointment_id");
                    var end = ParseDate(change.Removal.EndsOn, "removal.ends_on");
                    TermPlanner.End(term, end, Text.OrNull(change.Removal.Reason) ?? "removed", "removal.ends_on");
                    _events.Add(TermPlanner.Left(term));
                    return [new FieldChange { Field = "ends_on", After = Dates.Write(end) }];
                }
                case PersonnelChange.ChangeOneofCase.Transfer:
                {
                    var to = change.Transfer.To ?? throw new RequestValidationException("transfer.to", Say.T("须说明新的任命", "must describe the new appointment"));
                    Check(to, "transfer.to.");
                    var from = Running(change.Transfer.FromAppointmentId, "transfer.from_appointment_id");
                    var starts = ParseDate(to.StartsOn, "transfer.to.starts_on");
                    var fromLeader = book.Leader(from.LeaderId)!;
                    if (to.PersonId != fromLeader.ExternalId)
                        throw new RequestValidationException("transfer.to.person_id", Say.T($"调任的人员是 {fromLeader.ExternalId}（{fromLeader.Name}）", $"the transfer is of {fromLeader.ExternalId} ({fromLeader.Name})"));
                    if (book.ByExternalId(to.AppointmentId) is not null)
                        throw new RequestValidationException("transfer.to.appointment_id", Say.T($"任命 {to.AppointmentId} 已登记", $"appointment {to.AppointmentId} is recorded already"));
                    TermPlanner.End(from, starts.AddDays(-1), "transferred", "transfer.to.starts_on");
                    try
                    {
                        var term = _planner.Appoint(fromLeader, Draft(to), now);
                        Created(term, fromLeader);
                    }
                    catch
                    {
                        (from.EndsOn, from.EndReason) = (null, null);
                        throw;
                    }
                    _events.Add(TermPlanner.Left(from));
                    return [new FieldChange { Field = "from_ends_on", After = Dates.Write(from.EndsOn) },
                            new FieldChange { Field = "to_appointment_id", After = to.AppointmentId }];
                }
                default:
                    throw new RequestValidationException("change", Say.T("必须是任命、免职或调任", "must be an appointment, a removal or a transfer"));
            }
        }

        public async Task SaveAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, Func<Task> audit, CancellationToken ct)
        {
            // COPY for what is new (an import brings 100,000 terms); SaveChanges for the terms that ended.
            // Ends first: a transfer's new term may start the day after the term it ends, and the one-holder
            // constraint sees the ended term as running until its end is saved.
            await db.CopyAsync(_newLeaders, ct);
            await db.SaveChangesAsync(ct);
            await db.CopyAsync(_newTerms, ct);
            await outbox.EnqueueManyAsync(_events, ct);
            await audit();
            await tx.CommitAsync(ct);
        }

        private void Created(Term term, Leader leader)
        {
            _newTerms.Add(term);
            _events.Add(TermPlanner.Appointed(term, leader));
        }

        private Term Running(string appointmentId, string field)
        {
            var term = book.Current(book.ByExternalId(appointmentId) ?? throw new RequestValidationException(field, Say.T($"任命 {appointmentId} 不存在", $"no appointment {appointmentId}")));
            if (term.EndsOn is { } ended)
                throw new RequestValidationException(field, Say.T($"任命 {appointmentId} 已于 {Dates.Write(ended)} 结束", $"appointment {appointmentId} ended on {Dates.Write(ended)} already"));
            return term;
        }

        /// <summary>The known leader, or a new one that is recorded only if the row it came with is applied.</summary>
        private (Leader, bool IsNew) LeaderFor(TermRecord r, string prefix)
        {
            if (book.LeaderByExternalId(r.PersonId) is { } known) return (known, false);
            if (string.IsNullOrWhiteSpace(r.PersonName))
                throw new RequestValidationException(prefix + "person_name", Say.T($"人员 {r.PersonId} 尚未登记，须填写姓名", $"person {r.PersonId} is new and needs a name"));
            return (new Leader { Id = Guid.CreateVersion7(now), Name = r.PersonName.Trim(), ExternalId = r.PersonId, RecordedAt = now }, true);
        }

        private void Recorded(Leader leader)
        {
            book.Track(leader);
            _newLeaders.Add(leader);
        }

        private TermDraft Draft(TermRecord r) => new(
            r.AppointmentId, r.UnitCode, (LeadershipRole)(int)r.Role, r.Portfolio, Text.OrNull(r.Title),
            Dates.ParseOr(r.StartsOn, _today), Dates.ParseOptional(r.EndsOn), Text.OrNull(r.EndReason), Text.OrNull(r.CadreAuthorityCode),
            r.HasComprehensiveManagement ? r.ComprehensiveManagement : null);

        /// <summary>The shape of a record, before any rule about the registry's state.</summary>
        private static void Check(TermRecord r, string prefix)
        {
            var errors = new List<FieldError>();
            if (string.IsNullOrWhiteSpace(r.AppointmentId)) errors.Add(new(prefix + "appointment_id", Say.T("不得为空：它是本行的唯一标识", "must not be empty: it is the key of the row")));
            if (string.IsNullOrWhiteSpace(r.PersonId)) errors.Add(new(prefix + "person_id", Say.T("不得为空", "must not be empty")));
            if (string.IsNullOrWhiteSpace(r.UnitCode)) errors.Add(new(prefix + "unit_code", Say.T("不得为空", "must not be empty")));
            if (r.Role == Api.LeadershipRole.Unspecified || !Enum.IsDefined(r.Role)) errors.Add(new(prefix + "role", Say.T("必须是 PRINCIPAL、IN_CHARGE 或 DUAL_DUTY", "must be PRINCIPAL, IN_CHARGE or DUAL_DUTY")));
            if (!Dates.TryParse(r.StartsOn, out _)) errors.Add(new(prefix + "starts_on", Say.T("必须是日期，格式 YYYY-MM-DD", "must be a date YYYY-MM-DD")));
            if (!Dates.IsEmptyOrValid(r.EndsOn)) errors.Add(new(prefix + "ends_on", Say.T("必须为空或日期，格式 YYYY-MM-DD", "must be a date YYYY-MM-DD or empty")));
            if (r.PersonName.Trim().Length > 50) errors.Add(new(prefix + "person_name", Say.T("最多 50 个字", "must be at most 50 characters")));
            if (r.Portfolio.Trim().Length > 50) errors.Add(new(prefix + "portfolio", Say.T("最多 50 个字", "must be at most 50 characters")));
            if (r.AppointmentId.Length > 100) errors.Add(new(prefix + "appointment_id", Say.T("最多 100 个字", "must be at most 100 characters")));
            if (r.PersonId.Length > 100) errors.Add(new(prefix + "person_id", Say.T("最多 100 个字", "must be at most 100 characters")));
            if (r.Title.Length > 100) errors.Add(new(prefix + "title", Say.T("最多 100 个字", "must be at most 100 characters")));
            if (errors.Count > 0) throw new RequestValidationException(errors);
        }

        private static DateOnly ParseDate(string text, string field) =>
            Dates.TryParse(text, out var d) ? d : throw new RequestValidationException(field, Say.T("必须是日期，格式 YYYY-MM-DD", "must be a date YYYY-MM-DD"));
    }
}
