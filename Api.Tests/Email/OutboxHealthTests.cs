using System.Net;
using System.Text.Json.Nodes;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Email;

/// <summary>Readiness reports the outbox degraded (still 200) while a due email waits longer than Email:BacklogDegradedSeconds.</summary>
public sealed class OutboxHealthTests(DatabaseKind database) : FreshAppTests(database)
{
    private async Task<(HttpStatusCode Status, JsonNode Body)> Ready()
    {
        using var response = await Client.GetAsync("/healthz/ready");
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    [Test]
    public async Task A_due_email_waiting_over_five_minutes_makes_the_outbox_degraded_until_it_is_sent()
    {
        await Client.CreateInvitationAsync(Org, "ada@example.com");

        var fresh = await Ready();
        App.Clock.Advance(TimeSpan.FromSeconds(301));
        var waiting = await Ready();
        await InviteeClient.DispatchAsync(App);
        var sent = await Ready();

        Assert.That(fresh.Body["checks"]!["email_outbox"]!["status"]!.GetValue<string>(), Is.EqualTo("healthy"));
        Assert.That(waiting.Status, Is.EqualTo(HttpStatusCode.OK), "degraded still serves");
        Assert.That(waiting.Body["status"]!.GetValue<string>(), Is.EqualTo("degraded"));
        Assert.That(waiting.Body["checks"]!["email_outbox"]!["description"]!.GetValue<string>(), Does.Contain("301 s"));
        Assert.That(sent.Body["checks"]!["email_outbox"]!["status"]!.GetValue<string>(), Is.EqualTo("healthy"));
    }
}
