using Dapper;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Persistence;

/// <summary>Group commit: writes queued together share a transaction, yet each fails or succeeds on its own.</summary>
public sealed class WriteBatcherTests : SqliteAppTests
{
    protected override bool WithOrganization => false;

    [Test]
    public async Task A_failing_write_is_rolled_back_alone_and_the_others_commit()
    {
        await App.MigrateAsync();
        var batcher = Sqlite.Writes;

        var writes = Enumerable.Range(0, 40).Select(i => batcher.RunAsync(async (write, token) =>
        {
            await write.Connection.ExecuteAsync(
                "INSERT INTO organizations (id, name, slug, created_at) VALUES (@Id, @Name, @Slug, 0)",
                new { Id = Guid.NewGuid().ToString(), Name = $"org {i}", Slug = $"org-{i}" },
                write.Transaction);
            if (i % 3 == 0)
            {
                throw new InvalidOperationException($"write {i} fails after writing");
            }
        }, CancellationToken.None)).ToList();
        var outcomes = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                await w;
                return "ok";
            }
            catch (InvalidOperationException exception)
            {
                return exception.Message;
            }
        }));

        Assert.That(outcomes.Count(o => o == "ok"), Is.EqualTo(26));
        Assert.That(outcomes.Where(o => o != "ok"), Has.All.Contains("fails after writing"));
        await using var db = Sqlite.Connections.Open();
        var slugs = (await db.QueryAsync<string>("SELECT slug FROM organizations")).ToHashSet();
        Assert.That(slugs, Has.Count.EqualTo(26));
        Assert.That(slugs.Any(s => s == "org-0" || s == "org-3"), Is.False, "a failed write leaves nothing behind");
    }
}
