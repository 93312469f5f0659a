using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Extensions.Logging.Abstractions;
using OtpWall.Core.LiveUpdates;
using OtpWall.Dashboard.Components;

namespace OtpWall.Tests.Dashboard;

/// <summary>How pages follow live updates (LiveComponent): shown as they come, and nothing more once the page is gone.</summary>
public sealed class LiveComponentTests : BunitContext
{
    /// <summary>A page that shows the last message of a channel and counts an event.</summary>
    private sealed class Follower : LiveComponent
    {
        private string _last = "nothing yet";
        private int _events;

        [Parameter]
        public UserChannel<string> Channel { get; set; } = default!;

        [Parameter]
        public Source Events { get; set; } = default!;

        protected override void OnInitialized()
        {
            Follow<string>(update => Channel.NotifyOnChange("ada", update), message => _last = message);
            Follow<int>(update => Events.Happened += update, update => Events.Happened -= update, _ =>
            {
                _events++;
                return Task.CompletedTask;
            });
        }

        protected override void BuildRenderTree(RenderTreeBuilder builder) => builder.AddContent(0, $"{_last} / {_events}");
    }

    public sealed class Source
    {
        public event Action<int>? Happened;

        public int Listeners => Happened?.GetInvocationList().Length ?? 0;

        public void Raise() => Happened?.Invoke(1);
    }

    [Fact]
    public async Task WhatIsPublished_IsShown_OnlyTheOwnersMessages_AndAClosedPageLeavesNoListenerBehind()
    {
        var channel = new UserChannel<string>(NullLogger.Instance);
        var events = new Source();
        var cut = Render<Follower>(p => p.Add(c => c.Channel, channel).Add(c => c.Events, events));

        channel.Publish("ada", "code 48213");
        events.Raise();
        channel.Publish("bob", "not for Ada");
        cut.WaitForAssertion(() => Assert.Equal("code 48213 / 1", cut.Markup));

        await DisposeComponentsAsync();

        Assert.Equal(0, events.Listeners);
    }
}
