using System.Collections.Concurrent;
using System.Reflection;
using Dapper;
using Microsoft.Extensions.Logging;

namespace JsonApiInvites.Persistence;

/// <summary>
/// Applies the embedded, numbered SQL migrations of the provider's folder (<c>Sqlite/Migrations</c>,
/// <c>Postgres/Migrations</c>) that the database has not recorded yet, under the provider's migration lock, so that
/// servers starting together apply each migration exactly once.
/// </summary>
public sealed class Migrator(Database database, TimeProvider clock, ILogger<Migrator> logger)
{
    private static readonly ConcurrentDictionary<string, IReadOnlyList<Migration>> Folders = new(StringComparer.Ordinal);

    public sealed record Migration(int Version, string Name, string Sql);

    /// <summary>This provider's migrations, in order.</summary>
    public IReadOnlyList<Migration> Migrations => Embedded(database.MigrationsFolder);

    public static IReadOnlyList<Migration> Embedded(string folder) => Folders.GetOrAdd(folder, LoadEmbedded);

    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForMigrationAsync(cancellationToken);
        await using var migrationLock = await database.LockForMigrationAsync(connection, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(database.CreateMigrationsTableSql, cancellationToken: cancellationToken));

        var applied = new List<int>();
        foreach (var migration in Migrations)
        {
            // Each migration commits with its record, so a failed one leaves nothing half-applied.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var done = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM schema_migrations WHERE version = @Version",
                new { migration.Version },
                transaction,
                cancellationToken: cancellationToken));
            if (done > 0)
            {
                continue;
            }

            await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
                new { migration.Version, migration.Name, AppliedAt = database.Param(clock.GetUtcNow()) },
                transaction,
                cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            applied.Add(migration.Version);
            logger.LogInformation("Applied database migration {Version} {Name} ({Provider})", migration.Version, migration.Name, database.Provider);
        }

        return applied;
    }

    private static List<Migration> LoadEmbedded(string folder)
    {
        var assembly = typeof(Migrator).Assembly;
        var prefix = $"Migrations/{folder}/";
        return
        [
            .. assembly.GetManifestResourceNames()
                .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
                .Select(n => Read(assembly, n, prefix))
                .OrderBy(m => m.Version),
        ];
    }

    private static Migration Read(Assembly assembly, string resourceName, string prefix)
    {
        var fileName = Path.GetFileNameWithoutExtension(resourceName[prefix.Length..]);
        var separator = fileName.IndexOf('_', StringComparison.Ordinal);
        var version = int.Parse(fileName[..separator], System.Globalization.CultureInfo.InvariantCulture);
        using var stream = assembly.GetManifestResourceStream(resourceName)!;
        using var reader = new StreamReader(stream);
        return new Migration(version, fileName[(separator + 1)..], reader.ReadToEnd());
    }
}
