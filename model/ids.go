package model

import "github.com/rinsim/rinsim/scenarios"

// Channel is one of the seven internationalisation channels (T2.6, T4.1-4.3, Figure 5).
type Channel uint8

// The channels, in the order a network adds them as capacity grows.
const (
	Info Channel = iota
	CrossRIN
	JointStand
	NetworkProject
	Embassy
	Survey
	Mentoring
	NumChannels
)

var channelNames = [NumChannels]string{"info", "cross_rin", "joint_stand", "network_project", "embassy", "survey", "mentoring"}

func (c Channel) String() string { return channelNames[c] }

// ChannelNames lists the channel names in order.
func ChannelNames() []string { return channelNames[:] }

// channelParams flattens the scenario's channel table into an array.
func channelParams(c *scenarios.Channels) [NumChannels]scenarios.ChannelParams {
	return [NumChannels]scenarios.ChannelParams{c.Info, c.CrossRIN, c.JointStand, c.NetworkProject, c.Embassy, c.Survey, c.Mentoring}
}

// Source is where a foreign contact came from (T5.4, Figure 6).
type Source uint8

// Contact sources. The first NumChannels are network channels and share
// their numbering with Channel, so Source(c) is channel c's source.
const (
	SrcInfo Source = iota
	SrcCrossRIN
	SrcJointStand
	SrcNetworkProject
	SrcEmbassy
	SrcSurvey
	SrcMentoring
	SrcBusiness
	SrcSocial
	SrcOther
	SrcInbound
	SrcPeer
	NumSources
)

var sourceNames = [NumSources]string{"rin_info", "rin_cross_rin", "rin_joint_stand", "rin_network_project", "rin_embassy", "rin_survey", "rin_mentoring", "business_network", "social_network", "other_channels", "inbound", "peer"}

func (s Source) String() string { return sourceNames[s] }

// SourceNames lists the source names in order.
func SourceNames() []string { return sourceNames[:] }

// IsRIN reports whether the source is a network channel.
func (s Source) IsRIN() bool { return s < Source(NumChannels) }
