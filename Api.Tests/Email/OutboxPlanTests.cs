using System.Text.RegularExpressions;
using JsonApiInvites.Api.Tests.Infrastructure;
using JsonApiInvites.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JsonApiInvites.Api.Tests.Email;

/// <summary>
/// PostgreSQL's plans of the outbox's statements, with statistics taken while the outbox was drained (every email sent,
/// as after any burst a production database analyzes): the statements that find their rows by id, claim or invitation
/// must not go through the due index (a partial index of what is neither sent nor given up, which the planner then
/// sees as empty), or each reads the whole backlog, filtered. Generic plans, as the prepared statements run.
/// </summary>
public sealed partial class OutboxPlanTests : PostgresAppTests
{
    private const string DueIndex = "ix_email_outbox_due";

    private static readonly Dictionary<string, string> ParameterTypes = new()
    {
        ["@Id"] = "uuid",
        ["@ClaimId"] = "uuid",
        ["@InvitationId"] = "uuid",
        ["@Now"] = "timestamptz",
        ["@Until"] = "timestamptz",
        ["@QueuedAt"] = "timestamptz",
        ["@Hash"] = "text",
        ["@OutboxId"] = "uuid",
        ["@Kind"] = "text",
        ["@TokenHash"] = "text",
    };

    private static readonly (string Name, string Sql)[] RowStatements =
    [
        (nameof(EmailOutbox.ClaimedSql), EmailOutbox.ClaimedSql),
        (nameof(EmailOutbox.RenewSql), EmailOutbox.RenewSql),
        (nameof(EmailOutbox.ReleaseSql), EmailOutbox.ReleaseSql),
        (nameof(EmailOutbox.MarkSentSql), EmailOutbox.MarkSentSql),
        (nameof(EmailOutbox.RecordLinkSql), EmailOutbox.RecordLinkSql),
        (nameof(EmailOutbox.GiveUpClosedSql), EmailOutbox.GiveUpClosedSql),
        (nameof(EmailOutbox.DueNowSql), EmailOutbox.DueNowSql),
        (nameof(EmailOutbox.InsertForNewInvitationSql), EmailOutbox.InsertForNewInvitationSql),
        (nameof(EmailOutbox.InsertForResendSql), EmailOutbox.InsertForResendSql),
    ];

    private NpgsqlConnection? _connection;

    [SetUp]
    public async Task DrainedOutboxWithHistory()
    {
        await Client.CreateInvitationAsync(Org, "ada@example.com");
        var connectionString = App.Services.GetRequiredService<IConfiguration>()["ConnectionStrings:Invites"]!;
        // One session (PREPARE and EXECUTE must meet on it), whatever the server's own connection string asks for.
        _connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Multiplexing = false, Pooling = false }.ConnectionString);
        await _connection.OpenAsync();
        await ExecuteAsync(
            """
            UPDATE email_outbox SET sent_at = created_at;
            INSERT INTO email_outbox (id, invitation_id, kind, created_at, attempts, next_attempt_at, sent_at, seq)
            SELECT gen_random_uuid(), i.id, 'resend', i.created_at, 1, i.created_at, i.created_at, 1 + n
            FROM invitations i, generate_series(1, 2000) AS n;
            ANALYZE email_outbox;
            SET plan_cache_mode = force_generic_plan;
            """);
    }

    [TearDown]
    public async Task CloseSession()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    [Test]
    public async Task Statements_that_find_rows_by_id_claim_or_invitation_do_not_scan_the_due_index()
    {
        foreach (var (name, sql) in RowStatements)
        {
            Assert.That(await PlanAsync(sql), Does.Not.Contain(DueIndex), name);
        }
    }

    [Test]
    public async Task The_setup_shows_the_trap_and_what_is_due_still_uses_the_due_index()
    {
        // The same statement stating the due index's predicate goes through that index here: the test would fail on it.
        var withIndexPredicate = EmailOutbox.MarkSentSql.Replace("COALESCE(sent_at, failed_at) IS NULL", "sent_at IS NULL AND failed_at IS NULL", StringComparison.Ordinal);
        Assert.That(withIndexPredicate, Is.Not.EqualTo(EmailOutbox.MarkSentSql));
        Assert.That(await PlanAsync(withIndexPredicate), Does.Contain(DueIndex));

        Assert.That(await PlanAsync(EmailOutbox.OldestDueSql), Does.Contain(DueIndex));
    }

    /// <summary>The generic plan of <paramref name="sql"/>, its <c>@Name</c> parameters made positional and typed.</summary>
    private async Task<string> PlanAsync(string sql)
    {
        var names = new List<string>();
        var positional = ParameterPattern().Replace(sql, match =>
        {
            if (!names.Contains(match.Value))
            {
                names.Add(match.Value);
            }

            return "$" + (names.IndexOf(match.Value) + 1);
        });
        var types = string.Join(", ", names.Select(n => ParameterTypes[n]));
        await ExecuteAsync($"DEALLOCATE ALL; PREPARE statement ({types}) AS {positional}");

        await using var explain = new NpgsqlCommand($"EXPLAIN EXECUTE statement ({string.Join(", ", names.Select(_ => "NULL"))})", _connection);
        var lines = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join("\n", lines);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = new NpgsqlCommand(sql, _connection);
        await command.ExecuteNonQueryAsync();
    }

    [GeneratedRegex("@[A-Za-z]+")]
    private static partial Regex ParameterPattern();
}
