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
    public async Task A_create_run_again_after_it_committed_finds_its_invitation_and_queues_no_second_email()
    {
        // A batch whose failure is ambiguous (the connection lost after the commit) is rerun write by write.
        var org = await App.CreateOrganizationAsync();
        var repository = (InvitationRepository)App.Services.GetRequiredService<JsonApiInvites.Domain.Invitations.IInvitationRepository>();
        var invitation = JsonApiInvites.Domain.Invitations.Invitation.CreatePending(org.Id, "ada@example.com", org.Roles["viewer"], TestClock.Start, TimeSpan.FromDays(7));
        var write = repository.CreateWrite(invitation, sendEmail: true);

        var first = await Db.WriteAsync(write, CancellationToken.None);
        var again = await Db.WriteAsync(write, CancellationToken.None);

        Assert.That(first[0], Is.Not.Null, "the first run created it");
        Assert.That(again, Is.EqualTo(first), "the rerun finds the same invitation, not a duplicate");
        Assert.That((await App.Data.InvitationsAsync()).Select(i => i.Id), Is.EqualTo(new[] { invitation.Id }));
        Assert.That((await App.Data.OutboxAsync()).Select(e => e.InvitationId), Is.EqualTo(new[] { invitation.Id }), "one email, not two");
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
