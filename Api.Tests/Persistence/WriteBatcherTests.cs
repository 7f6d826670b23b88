using JsonApiInvites.Api.Tests.Infrastructure;
using JsonApiInvites.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace JsonApiInvites.Api.Tests.Persistence;

/// <summary>Group commit: writes queued together share a transaction, yet each fails or succeeds on its own.</summary>
public sealed class WriteBatcherTests(DatabaseKind database) : FreshAppTests(database)
{
    protected override bool WithOrganization => false;

    private Database Db => App.Services.GetRequiredService<Database>();

    private BatchedWrite InsertOrganization(string slug, Guid? serializeBy = null) => new(
        [
            new WriteStatement(
                "INSERT INTO organizations (id, name, slug, created_at) VALUES (@Id, @Slug, @Slug, @Now) RETURNING slug",
                [("@Id", Db.Param(Guid.NewGuid())), ("@Slug", slug), ("@Now", Db.Param(TestClock.Start))],
                ReturnsRows: true),
        ],
        serializeBy);

    [Test]
    public async Task A_failing_write_fails_alone_and_the_others_commit()
    {
        await App.MigrateAsync();
        await Db.WriteAsync(InsertOrganization("taken"), CancellationToken.None);

        // Every third write takes a slug already taken: the database refuses it, in whatever batch it lands.
        var writes = Enumerable.Range(0, 40)
            .Select(i => Db.WriteAsync(InsertOrganization(i % 3 == 0 ? "taken" : $"org-{i}", serializeBy: Guid.Empty), CancellationToken.None))
            .ToList();
        var outcomes = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                return (string?)(await w)[0];
            }
            catch (System.Data.Common.DbException exception) when (Db.IsUniqueViolation(exception))
            {
                return null;
            }
        }));

        Assert.That(outcomes.Count(o => o is not null), Is.EqualTo(26));
        Assert.That(outcomes.Where(o => o is not null), Is.EquivalentTo(Enumerable.Range(0, 40).Where(i => i % 3 != 0).Select(i => $"org-{i}")));
        Assert.That(await App.Data.CountAsync("organizations"), Is.EqualTo(27), "each refused write left nothing behind, the others all committed");
    }

    [Test]
    public async Task A_statement_that_returns_no_row_gives_null()
    {
        await App.MigrateAsync();
        var write = new BatchedWrite(
            [new WriteStatement("SELECT slug FROM organizations WHERE slug = @Slug", [("@Slug", "nobody")], ReturnsRows: true)],
            SerializeBy: null);

        var result = await Db.WriteAsync(write, CancellationToken.None);

        Assert.That(result, Is.EqualTo(new object?[] { null }));
    }
}
