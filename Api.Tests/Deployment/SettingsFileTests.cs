using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Deployment;

/// <summary>
/// The settings file in the working directory is reloaded when it changes, but the server does not watch the working
/// directory for it: that folder holds <c>data/</c> by default, and an inotify watch on it (subfolders included) saw
/// every write to the database and the pickup folder. Run as the real process, in a folder of its own.
/// </summary>
public sealed class SettingsFileTests
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(60);

    private static string Settings(string level) =>
        $$"""
        {
          "Logging": {
            "LogLevel": { "Default": "{{level}}", "Microsoft.AspNetCore": "Warning" },
            "Console": { "FormatterOptions": { "SingleLine": true } }
          }
        }
        """;

    [Test]
    public async Task The_server_keeps_no_inotify_watch_on_its_working_directory()
    {
        using var server = await ServerProcess.StartAsync(new Dictionary<string, string>(), ServerProcess.NewFolder(), Start);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        using var response = await client.GetAsync(new Uri("/healthz/ready", UriKind.Relative));
        Assert.That((int)response.StatusCode, Is.EqualTo(200), "the server runs on its default database, data/invites.db in that folder");

        var watches = Directory.EnumerateFiles($"/proc/{server.ProcessId}/fd")
            .Select(fd => new FileInfo(fd).LinkTarget)
            .Count(target => target == "anon_inode:inotify");

        Assert.That(watches, Is.Zero, "no inotify instance: the settings files are polled");
    }

    [Test]
    public async Task A_changed_settings_file_applies_without_a_restart()
    {
        var folder = ServerProcess.NewFolder();
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "appsettings.json"), Settings("Information"));
        using var server = await ServerProcess.StartAsync(new Dictionary<string, string>(), folder, Start);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        async Task<bool> LoggedAsync(string marker)
        {
            using var _ = await client.GetAsync(new Uri($"/{marker}?version=2022-11-14", UriKind.Relative));
            await Task.Delay(300); // the console logger writes on its own thread
            return (await server.OutputAsync()).Contains(marker, StringComparison.Ordinal);
        }

        Assert.That(await LoggedAsync("before-the-change"), Is.True, "requests are logged at first");

        await File.WriteAllTextAsync(Path.Combine(folder, "appsettings.json"), Settings("None"));
        var silencedAfter = -1;
        for (var attempt = 0; attempt < 40 && silencedAfter < 0; attempt++)
        {
            if (!await LoggedAsync($"after-the-change-{attempt}"))
            {
                silencedAfter = attempt;
            }
        }

        Assert.That(silencedAfter, Is.GreaterThanOrEqualTo(0), "logging was switched off by the file, within about 12 s");
        Assert.That(await LoggedAsync("well-after-the-change"), Is.False);
    }
}
