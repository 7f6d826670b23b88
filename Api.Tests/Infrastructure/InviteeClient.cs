using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using JsonApiInvites.Api.Email;
using Microsoft.Extensions.DependencyInjection;

namespace JsonApiInvites.Api.Tests.Infrastructure;

/// <summary>
/// The invitee's side: the emails the outbox wrote (real <c>.eml</c> files in the app's pickup folder), the accept
/// token of their link, and the invitee routes under the invitation credential.
/// </summary>
public static partial class InviteeClient
{
    /// <summary>The first version with the invitee routes and memberships.</summary>
    public const string Version = "2026-11-25";

    public const string AcceptDocument = """{"data":{"type":"membership"}}""";

    /// <summary>Delivers what is due now, as the background dispatcher would; returns how many emails left.</summary>
    public static Task<int> DispatchAsync(TestApp app) => app.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync(CancellationToken.None);

    public static string[] EmlFiles(TestApp app) =>
        Directory.Exists(app.PickupDirectory) ? Directory.GetFiles(app.PickupDirectory, "*.eml") : [];

    [GeneratedRegex(@"token=(jai_invite_[A-Za-z0-9_\-]+)")]
    public static partial Regex LinkToken();

    [GeneratedRegex(@"(https?://\S+?token=jai_invite_[A-Za-z0-9_\-]+)")]
    public static partial Regex Link();

    /// <summary>Dispatches what is due and reads the newest email sent for the invitation (its <c>.eml</c> file, named by its outbox row).</summary>
    public static async Task<string> LatestEmailAsync(TestApp app, Guid invitationId)
    {
        await DispatchAsync(app);
        var sent = (await app.Data.OutboxAsync()).LastOrDefault(e => e.InvitationId == invitationId && e.SentAt is not null);
        Assert.That(sent, Is.Not.Null, $"no email was sent for invitation {invitationId}");
        return await File.ReadAllTextAsync(Path.Combine(app.PickupDirectory, $"{sent!.Id:D}.eml"));
    }

    /// <summary>The accept token of the newest email sent for the invitation.</summary>
    public static async Task<string> AcceptTokenAsync(TestApp app, Guid invitationId)
    {
        var match = LinkToken().Match(await LatestEmailAsync(app, invitationId));
        Assert.That(match.Success, Is.True, "the email holds an accept link");
        return match.Groups[1].Value;
    }

    /// <summary>The invitation an accept token opens now (as the invitee routes would find it), or null.</summary>
    public static async Task<Guid?> OpensAsync(TestApp app, string token) =>
        (await app.Services.GetRequiredService<JsonApiInvites.Domain.Invitations.IInvitationRepository>()
            .FindByTokenHashAsync(JsonApiInvites.Domain.Tokens.TokenSecret.Hash(token), CancellationToken.None))?.Id;

    /// <summary>Sets <c>Authorization: Invitation &lt;token&gt;</c> (or the raw header value given).</summary>
    public static Action<HttpRequestMessage> Credential(string token, string scheme = "Invitation") =>
        request => request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);

    public static Task<ApiResponse> GetInvitationAsync(this HttpClient client, string? token, string query = "", string version = Version) =>
        client.SendAsync(HttpMethod.Get, $"/invitation?version={version}{query}", null, configure: token is null ? null : Credential(token));

    public static Task<ApiResponse> AcceptAsync(this HttpClient client, string? token, string body = AcceptDocument, string query = "", string version = Version) =>
        client.SendAsync(HttpMethod.Post, $"/memberships?version={version}{query}", null, body, configure: token is null ? null : Credential(token));

    /// <summary>Invites <paramref name="email"/> and accepts with the email's token: the new membership's id.</summary>
    public static async Task<Guid> JoinAsync(this HttpClient client, TestOrganization org, string email, string role = "collaborator")
    {
        var invitation = await client.CreateInvitationAsync(org, email, role);
        var accepted = await client.AcceptAsync(await AcceptTokenAsync(org.App, invitation));
        Assert.That(accepted.Status, Is.EqualTo(HttpStatusCode.Created), accepted.Body);
        return Guid.Parse(accepted.Json["data"]!["id"]!.GetValue<string>());
    }
}
