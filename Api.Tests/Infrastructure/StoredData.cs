using System.Data.Common;
using System.Globalization;
using Dapper;
using JsonApiInvites.Persistence;

namespace JsonApiInvites.Api.Tests.Infrastructure;

public sealed record InvitationRow(Guid Id, string Email, string State, Guid RoleId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string? TokenHash);

public sealed record OutboxRow(
    Guid Id,
    Guid InvitationId,
    string Kind,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? SentAt,
    DateTimeOffset? FailedAt,
    string? LastError);

/// <summary>
/// What a test says about the database, the same on every provider: rows read into records, and the few changes
/// no route makes (an invitation accepted elsewhere, a crash between delivering and recording an email). Values go
/// through the app's own <see cref="Database"/>, so ids and times are stored as the server stores them.
/// </summary>
public sealed class StoredData(Database db)
{
    public async Task<IReadOnlyList<InvitationRow>> InvitationsAsync()
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await using var reader = await connection.ExecuteReaderAsync(
            "SELECT id, email, state, role_id, created_at, expires_at, token_hash FROM invitations ORDER BY created_at, id");
        var rows = new List<InvitationRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new InvitationRow(
                db.GetId(reader, 0), reader.GetString(1), reader.GetString(2), db.GetId(reader, 3), db.GetTime(reader, 4), db.GetTime(reader, 5), NullableText(reader, 6)));
        }

        return rows;
    }

    public async Task<InvitationRow> InvitationAsync(Guid id) => (await InvitationsAsync()).Single(i => i.Id == id);

    public async Task<IReadOnlyList<OutboxRow>> OutboxAsync()
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await using var reader = await connection.ExecuteReaderAsync(
            "SELECT id, invitation_id, kind, attempts, next_attempt_at, sent_at, failed_at, last_error FROM email_outbox ORDER BY created_at, id");
        var rows = new List<OutboxRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new OutboxRow(
                db.GetId(reader, 0),
                db.GetId(reader, 1),
                reader.GetString(2),
                Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture),
                db.GetTime(reader, 4),
                db.GetNullableTime(reader, 5),
                db.GetNullableTime(reader, 6),
                NullableText(reader, 7)));
        }

        return rows;
    }

    /// <summary>As if the invitee accepted (or someone cancelled) it outside the API.</summary>
    public Task SetInvitationStateAsync(Guid id, string state) =>
        ExecuteAsync("UPDATE invitations SET state = @State WHERE id = @Id", new { State = state, Id = db.Param(id) });

    /// <summary>As if the server died after delivering its emails but before recording it: every row is due again.</summary>
    /// <summary>As if the lease of the invitation's email had run out: any dispatcher may claim it.</summary>
    public Task EndLeaseAsync(Guid invitationId) =>
        ExecuteAsync("UPDATE email_outbox SET locked_until = NULL, claim_id = NULL WHERE invitation_id = @Id", new { Id = db.Param(invitationId) });

    public Task ForgetSentEmailsAsync() => ExecuteAsync("UPDATE email_outbox SET sent_at = NULL");

    /// <summary>Makes every query of invitations fail, as a broken database would.</summary>
    public Task BreakInvitationsTableAsync() => ExecuteAsync("ALTER TABLE invitations RENAME TO invitations_gone");

    public async Task<long> CountAsync(string table)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}");
    }

    /// <summary>Every value of every row of <paramref name="table"/>, as text: to show a secret is stored nowhere in it.</summary>
    public async Task<string> AllTextAsync(string table)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await using var reader = await connection.ExecuteReaderAsync($"SELECT * FROM {table}");
        var text = new System.Text.StringBuilder();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                text.Append(Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)).Append('\t');
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    public async Task<(string Name, string Slug)?> OrganizationAsync(Guid id)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await using var reader = await connection.ExecuteReaderAsync("SELECT name, slug FROM organizations WHERE id = @Id", new { Id = db.Param(id) });
        return await reader.ReadAsync() ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    public async Task<(string SecretHash, string? Name)?> TokenAsync(Guid id)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await using var reader = await connection.ExecuteReaderAsync("SELECT secret_hash, name FROM api_tokens WHERE id = @Id", new { Id = db.Param(id) });
        return await reader.ReadAsync() ? (reader.GetString(0), NullableText(reader, 1)) : null;
    }

    public async Task<IReadOnlyList<Guid>> TokenIdsAsync()
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await using var reader = await connection.ExecuteReaderAsync("SELECT id FROM api_tokens ORDER BY created_at, id");
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
        {
            ids.Add(db.GetId(reader, 0));
        }

        return ids;
    }

    /// <summary>An organization with one role, written as another process (the CLI) would: straight into the database.</summary>
    public async Task InsertOrganizationAsync(Guid id, string slug, Guid roleId, string roleKey, string permissions)
    {
        await ExecuteAsync(
            "INSERT INTO organizations (id, name, slug, created_at) VALUES (@Id, @Slug, @Slug, @Now)",
            new { Id = db.Param(id), Slug = slug, Now = db.Param(TestClock.Start) });
        await ExecuteAsync(
            "INSERT INTO roles (id, organization_id, key, name, permissions) VALUES (@Role, @Id, @Key, @Key, @Permissions)",
            new { Role = db.Param(roleId), Id = db.Param(id), Key = roleKey, Permissions = permissions });
    }

    /// <summary>An invitation row written past the server, to show what the database itself refuses.</summary>
    public Task InsertInvitationAsync(Guid organizationId, Guid roleId, string emailKey, string state) => ExecuteAsync(
        """
        INSERT INTO invitations (id, organization_id, email, email_key, role_id, state, created_at, expires_at)
        VALUES (@Id, @Org, @Email, @Email, @Role, @State, @Now, @Now)
        """,
        new { Id = db.Param(Guid.NewGuid()), Org = db.Param(organizationId), Email = emailKey, Role = db.Param(roleId), State = state, Now = db.Param(TestClock.Start) });

    public bool IsUniqueViolation(Exception exception) => db.IsUniqueViolation(exception);

    public async Task<IReadOnlyList<(int Version, string Name)>> AppliedMigrationsAsync()
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await using var reader = await connection.ExecuteReaderAsync("SELECT version, name FROM schema_migrations ORDER BY version");
        var rows = new List<(int, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), reader.GetString(1)));
        }

        return rows;
    }

    public async Task<IReadOnlyList<string>> TableNamesAsync()
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        var sql = db.Provider == "sqlite"
            ? "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name";
        return [.. await connection.QueryAsync<string>(sql)];
    }

    private async Task ExecuteAsync(string sql, object? args = null)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(sql, args);
    }

    private static string? NullableText(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
