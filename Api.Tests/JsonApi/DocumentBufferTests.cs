using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.JsonApi;

/// <summary>
/// A page's document starts in a buffer sized by its count of resources (<see cref="JsonApiResult.BufferSizeFor"/>),
/// so that writing it never copies it into a larger one.
/// </summary>
public sealed class DocumentBufferTests(DatabaseKind database) : FreshAppTests(database)
{
    [SetUp]
    public void StartOnTheLatestVersionsDay() => App.Clock.StartOn(new DateOnly(2026, 11, 25));

    [Test]
    public async Task A_full_page_of_the_largest_invitations_fits_the_buffer_it_starts_in()
    {
        // The latest version (every relationship), the role included, and long addresses.
        for (var i = 0; i < 100; i++)
        {
            await Client.CreateInvitationAsync(Org, $"a-rather-long-local-part-for-a-page-{i:D3}@invitations.example.com");
        }

        var page = await Client.GetAsync(Org.Invites("2026-11-25", "&limit=100&include=role"), Org.Token);

        // A page's data as the list routes build it: a list of resources.
        var pageSize = JsonApiResult.BufferSizeFor(new Document { Data = Enumerable.Range(0, 100).Select(_ => (IResource)new Unwritten()).ToList(), Links = new Links() });
        var singleSize = JsonApiResult.BufferSizeFor(new Document { Data = new Unwritten(), Links = new Links() });

        Assert.That(page.Json["data"]!.AsArray(), Has.Count.EqualTo(100), page.Body);
        Assert.That(page.Json["data"]![0]!["relationships"]!["membership"], Is.Not.Null);
        Assert.That(page.ContentHeaders?.ContentLength, Is.LessThanOrEqualTo(pageSize));
        Assert.That(page.ContentHeaders?.ContentLength, Is.GreaterThan(pageSize * 3 / 4), "and not much larger than it needs");
        Assert.That(singleSize, Is.LessThan(pageSize / 10), "a single resource starts small");
    }

    private sealed class Unwritten : IResource
    {
        public string SelfLink => "";

        public void WriteTo(System.Text.Json.Utf8JsonWriter writer) => throw new InvalidOperationException("Only counted, never written.");
    }
}
