using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Reliability;

/// <summary>
/// SPEC §5, §10: the real server killed with SIGKILL (or stopped with SIGTERM) in the middle of a create load, then
/// started again on the same database and pickup folder with its default settings: every create it acknowledged (201)
/// is readable, the cursor walk lists each invitation once, and every queued email is delivered exactly once within
/// 60 s of the restart; after SIGTERM at once, since a stopping server gives back the emails it claimed.
/// </summary>
public sealed partial class CrashTests(DatabaseKind database) : EveryDatabaseTests(database)
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(60);

    [TestCase("KILL", 60)]
    [TestCase("TERM", 20)] // under the 30 s lease: what the stopping server claimed was given back
    public async Task A_stop_during_a_create_load_loses_no_acknowledged_create_and_no_email(string signal, int deliveredWithinSeconds)
    {
        var store = Track(TestStore.Create(Database));
        var directory = Path.Combine(store.Directory, "server");
        var environment = new Dictionary<string, string>
        {
            ["Database__Provider"] = store.Provider,
            ["ConnectionStrings__Invites"] = store.ConnectionString,
            ["RateLimit__PermitLimit"] = "1000000",
        };

        var (code, output, error) = await ServerProcess.RunToExitInAsync(directory, environment, Start, "orgs", "create", "--name", "Acme");
        Assert.That(code, Is.Zero, error);
        var org = JsonNode.Parse(JsonLine(output))!;
        var orgId = org["id"]!.GetValue<string>();
        var role = org["roles"]!.AsArray().First(r => r!["key"]!.GetValue<string>() == "viewer")!["id"]!.GetValue<string>();
        (code, output, error) = await ServerProcess.RunToExitInAsync(
            directory, environment, Start, "tokens", "create", "--org", orgId, "--permissions", "org.read,org.user.read,org.user.invite");
        Assert.That(code, Is.Zero, error);
        var token = JsonNode.Parse(JsonLine(output))!["token"]!.GetValue<string>();

        // A create load from 8 clients, killed after a second and a half.
        var acknowledged = new ConcurrentBag<string>();
        using (var first = await ServerProcess.StartAsync(environment, directory, Start))
        {
            using var client = new HttpClient { BaseAddress = first.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var load = new CancellationTokenSource();
            var clients = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
            {
                for (var i = 0; !load.IsCancellationRequested; i++)
                {
                    var body = JsonSerializer.Serialize(JsonApiClient.NewInvitation($"c{c}-{i}@example.com", Guid.Parse(role)));
                    using var content = new StringContent(body, Encoding.UTF8, JsonApiClient.MediaType);
                    content.Headers.ContentType = MediaTypeHeaderValue.Parse(JsonApiClient.MediaType);
                    try
                    {
                        using var response = await client.PostAsync($"/orgs/{orgId}/invites?version=2022-11-14", content);
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            acknowledged.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!["id"]!.GetValue<string>());
                        }
                    }
                    catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
                    {
                        // The server died under this request: it was never acknowledged.
                    }
                }
            })).ToArray();
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            if (signal == "KILL")
            {
                first.Kill();
            }
            else
            {
                Assert.That(first.Terminate(TimeSpan.FromSeconds(60)), Is.Zero, "a stopped server exits with 0");
            }

            await load.CancelAsync();
            await Task.WhenAll(clients);
        }

        Assert.That(acknowledged, Has.Count.GreaterThan(20), "the load got going before the kill");

        // The same server again, on the same database and folder, with its default settings.
        using var second = await ServerProcess.StartAsync(environment, directory, Start);
        var restarted = DateTime.UtcNow;
        using var reader = new HttpClient { BaseAddress = second.BaseAddress };
        reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        foreach (var id in acknowledged)
        {
            using var response = await reader.GetAsync($"/orgs/{orgId}/invites/{id}?version=2022-11-14");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"acknowledged invitation {id} is there");
        }

        var walked = new List<(string Id, string Email)>();
        for (string? next = $"/orgs/{orgId}/invites?version=2022-11-14&limit=100"; next is not null;)
        {
            using var response = await reader.GetAsync(next);
            var page = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            walked.AddRange(page["data"]!.AsArray().Select(i => (i!["id"]!.GetValue<string>(), i["attributes"]!["email"]!.GetValue<string>())));
            next = page["links"]?["next"]?.GetValue<string>();
        }

        Assert.That(walked.Select(w => w.Id), Is.Unique, "the cursor walk has each invitation once");
        Assert.That(walked.Select(w => w.Id), Is.SupersetOf(acknowledged));

        // Every invitation stored (acknowledged or not) had its email queued with it: each is delivered, once.
        var pickup = Path.Combine(directory, "data", "outbox");
        string[] Emails() => Directory.Exists(pickup) ? Directory.GetFiles(pickup, "*.eml") : [];
        while (Emails().Length < walked.Count && DateTime.UtcNow - restarted < TimeSpan.FromSeconds(deliveredWithinSeconds))
        {
            await Task.Delay(250);
        }

        var deliveredWithin = DateTime.UtcNow - restarted;
        await Task.Delay(TimeSpan.FromSeconds(2)); // nothing more arrives
        var recipients = Emails().Select(f => ToLine().Match(File.ReadAllText(f)).Groups[1].Value.Trim()).ToList();
        Assert.That(recipients, Has.Count.EqualTo(walked.Count), $"one email per invitation; {recipients.Count} of {walked.Count} after {deliveredWithin.TotalSeconds:0} s");
        Assert.That(recipients, Is.EquivalentTo(walked.Select(w => w.Email)), "each invitation's email, exactly once");
        Assert.That(deliveredWithin, Is.LessThan(TimeSpan.FromSeconds(deliveredWithinSeconds)));
        TestContext.Out.WriteLine($"SIG{signal}: {acknowledged.Count} creates acknowledged before the stop, {walked.Count} stored; every email delivered {deliveredWithin.TotalSeconds:0.0} s after the restart");
    }

    /// <summary>The verb's JSON line (the server's console log may precede it, e.g. the migrations it applied).</summary>
    private static string JsonLine(string output) => output.Split('\n').First(l => l.StartsWith('{'));

    [System.Text.RegularExpressions.GeneratedRegex(@"^To: (.+)$", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex ToLine();
}
