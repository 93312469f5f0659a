using Bunit;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OtpWall.Core.LiveUpdates;
using OtpWall.Dashboard.Components;

namespace OtpWall.Tests.Dashboard;

/// <summary>How pages follow live updates (LiveComponent): shown as they come, and nothing more once the page is gone.</summary>
public sealed class LiveComponentTests : BunitContext
{
    private sealed record Note(string UserId, string Text) : IUserChange;

    private sealed record Ping : IChange;

    /// <summary>A page that shows Ada's last note and counts every ping.</summary>
    private sealed class Follower : LiveComponent
    {
        private string _last = "nothing yet";
        private int _pings;

        protected override void OnInitialized()
        {
            FollowFor<Note>("ada", note => _last = note.Text);
            Follow<Ping>(_ =>
            {
                _pings++;
                return Task.CompletedTask;
            });
        }

        protected override void BuildRenderTree(RenderTreeBuilder builder) => builder.AddContent(0, $"{_last} / {_pings}");
    }

    [Fact]
    public async Task WhatIsPublished_IsShown_OnlyTheOwnersMessages_AndAClosedPageLeavesNoListenerBehind()
    {
        var bus = new ChangeBus(NullLogger<ChangeBus>.Instance);
        Services.AddSingleton(bus);
        var cut = Render<Follower>();

        bus.Publish(new Note("ada", "code 48213"));
        bus.Publish(new Ping());
        bus.Publish(new Note("bob", "not for Ada"));
        cut.WaitForAssertion(() => Assert.Equal("code 48213 / 1", cut.Markup));

        await DisposeComponentsAsync();

        Assert.Equal(0, bus.SubscriptionCount);
    }
}
